package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the real Fashion-MNIST files that Debian's {@code dataset-fashion-mnist} package
 * installs in {@value DataSets#FASHION_MNIST_DEFAULT}: the loader's one test on real data.
 */
class FashionMnistTest {

    private static TrainTest data;

    @BeforeAll
    static void load() {
        data = DataSets.load(new DataConfig("fashion-mnist", "", 0, 0, false), new Configuration());
    }

    @Test
    void hasSixtyThousandTrainAndTenThousandTestImagesOf28x28() {
        assertEquals(60000, data.train().size());
        assertEquals(10000, data.test().size());
        assertEquals(new Shape.Image(1, 28, 28), data.train().shape());
        assertEquals(10, data.train().numClasses());
    }

    @Test
    void everyClassIsPresentInBothSets() {
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            int[] counts = new int[10];
            for (int label : d.labels()) {
                assertTrue(label >= 0 && label <= 9);
                counts[label]++;
            }
            // Fashion-MNIST is balanced: 6000 per class in train, 1000 in test.
            for (int c = 0; c < 10; c++) {
                assertEquals(d.size() / 10, counts[c], "examples of class " + c + " in " + (d == data.train() ? "train" : "test"));
            }
        }
    }

    @Test
    void pixelsAreRawBytes() {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : data.train().features()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            assertEquals(Math.rint(v), v, "pixels are whole numbers");
        }
        assertEquals(0f, min);
        assertEquals(255f, max);
    }

    @Test
    void normalisationFitsTheKnownStatisticsAndStandardisesTheTrainingSet() {
        Normalization norm = Normalization.fit(data.train());
        // The published Fashion-MNIST statistics: mean 0.2860, std 0.3530.
        assertEquals(0.2860, norm.mean()[0], 5e-4);
        assertEquals(0.3530, norm.std()[0], 5e-4);

        float[] f = data.train().features().clone();
        for (int i = 0; i < data.train().size(); i++) {
            norm.apply(f, i * 784, 1, 784);
        }
        double[][] stats = NormalizationTest.channelStats(f, 1, 784);
        assertEquals(0.0, stats[0][0], 1e-3);
        assertEquals(1.0, stats[0][1], 1e-3);
    }
}
