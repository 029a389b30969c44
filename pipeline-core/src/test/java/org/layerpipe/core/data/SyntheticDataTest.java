package org.layerpipe.core.data;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDataTest {

    private static final Shape.Image SHAPE = new Shape.Image(3, 8, 8);

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        Dataset a = SyntheticData.generate("s", SHAPE, 5, 100, 42);
        assertEquals(a, SyntheticData.generate("s", SHAPE, 5, 100, 42));
        Dataset b = SyntheticData.generate("s", SHAPE, 5, 100, 43);
        assertFalse(Arrays.equals(a.features(), b.features()));
    }

    @Test
    void smallerSetIsAPrefixOfALargerOne() {
        Dataset small = SyntheticData.generate("s", SHAPE, 5, 30, 7);
        Dataset large = SyntheticData.generate("s", SHAPE, 5, 100, 7);
        assertEquals(small, large.first(30));
    }

    @Test
    void labelsCycleAndValuesArePixels() {
        Dataset d = SyntheticData.generate("s", SHAPE, 4, 10, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1}, d.labels());
        for (float v : d.features()) {
            assertTrue(v >= 0f && v <= 255f, "value " + v + " outside 0..255");
        }
        assertEquals(SHAPE, d.shape());
        assertEquals(4, d.numClasses());
    }

    @Test
    void classesDifferAndAreLearnable() {
        Dataset all = SyntheticData.generate("s", SHAPE, 10, 1200, 3);
        Dataset train = all.range(0, 1000);
        Dataset test = all.range(1000, 1200);
        int len = train.exampleLength();
        double[][] means = new double[10][len];
        int[] counts = new int[10];
        for (int i = 0; i < train.size(); i++) {
            counts[train.labels()[i]]++;
            for (int v = 0; v < len; v++) {
                means[train.labels()[i]][v] += train.features()[i * len + v];
            }
        }
        for (int c = 0; c < 10; c++) {
            for (int v = 0; v < len; v++) {
                means[c][v] /= counts[c];
            }
        }
        // Class means are far apart relative to what noise alone would give (~48/sqrt(100) per value).
        double rms = Math.sqrt(squaredDistance(means[0], means[1]) / len);
        assertTrue(rms > 20, "class 0 and 1 means differ by only " + rms + " per value");
        assertNotEquals(0.0, rms);

        // A nearest-class-mean classifier, learnt on the train part, is far above chance (10%) on held-out examples.
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double dist = squaredDistance(means[c], test.features(), i * len);
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = c;
                }
            }
            correct += best == test.labels()[i] ? 1 : 0;
        }
        double accuracy = correct / (double) test.size();
        assertTrue(accuracy > 0.5, "nearest-mean accuracy " + accuracy + " is not well above chance 0.1");
    }

    private static double squaredDistance(double[] mean, double[] other) {
        double s = 0;
        for (int v = 0; v < mean.length; v++) {
            s += (mean[v] - other[v]) * (mean[v] - other[v]);
        }
        return s;
    }

    private static double squaredDistance(double[] mean, float[] features, int offset) {
        double s = 0;
        for (int v = 0; v < mean.length; v++) {
            double d = mean[v] - features[offset + v];
            s += d * d;
        }
        return s;
    }

    @Test
    void badArgumentsAreRejected() {
        assertEquals("synthetic data set 's' has numClasses 1: use at least 2",
                assertThrows(DataException.class, () -> SyntheticData.generate("s", SHAPE, 1, 10, 0)).getMessage());
        assertEquals("synthetic data set 's' has size 0: use at least 1 example",
                assertThrows(DataException.class, () -> SyntheticData.generate("s", SHAPE, 2, 0, 0)).getMessage());
    }
}
