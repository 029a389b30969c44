package org.layerpipe.core.data;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NormalizationTest {

    @Test
    void fitMeasuresEachChannelOnPixelsScaledTo01() {
        // Two examples of 2 channels x 2 pixels. Channel 0 holds 0, 255, 0, 255 -> mean 0.5, std 0.5;
        // channel 1 holds 51 everywhere -> mean 0.2, constant, so std 1 (only centred).
        float[] f = {0, 255, 51, 51, 255, 0, 51, 51};
        Dataset d = new Dataset("n", new Shape.Image(2, 1, 2), 2, f, new int[] {0, 1});
        Normalization n = Normalization.fit(d);
        assertArrayEquals(new float[] {0.5f, 0.2f}, n.mean(), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 1f}, n.std(), 1e-6f);
    }

    @Test
    void applyMapsRawPixelsToStandardScores() {
        Normalization n = new Normalization(new float[] {0.5f, 0.2f}, new float[] {0.25f, 2f});
        float[] buf = {-1, 0, 255, 127.5f, 51, 255, 0, -1};
        n.apply(buf, 1, 2, 3);
        // ((x/255) - mean) / std per channel; the values outside the example stay as they were.
        assertArrayEquals(new float[] {-1, -2f, 2f, 0f, 0f, 0.4f, -0.1f, -1}, buf, 1e-6f);
    }

    @Test
    void normalisedTrainingSetHasMeanZeroAndStdOnePerChannel() {
        Dataset train = SyntheticData.generate("s", new Shape.Image(3, 8, 8), 5, 400, 9);
        Normalization n = Normalization.fit(train);
        float[] f = train.features().clone();
        int len = train.exampleLength();
        for (int i = 0; i < train.size(); i++) {
            n.apply(f, i * len, 3, 64);
        }
        double[][] stats = channelStats(f, 3, 64);
        for (int c = 0; c < 3; c++) {
            assertEquals(0.0, stats[c][0], 1e-4, "mean of channel " + c);
            assertEquals(1.0, stats[c][1], 1e-4, "std of channel " + c);
        }
    }

    /** Mean and population std of each channel over examples of {@code channels × pixels} values. */
    static double[][] channelStats(float[] f, int channels, int pixels) {
        double[][] stats = new double[channels][2];
        long perChannel = f.length / channels;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double sumSq = 0;
            for (int base = c * pixels; base < f.length; base += channels * pixels) {
                for (int p = 0; p < pixels; p++) {
                    sum += f[base + p];
                    sumSq += (double) f[base + p] * f[base + p];
                }
            }
            double mean = sum / perChannel;
            stats[c][0] = mean;
            stats[c][1] = Math.sqrt(sumSq / perChannel - mean * mean);
        }
        return stats;
    }

    @Test
    void recordIsImmutableAndValidated() {
        float[] mean = {0.1f};
        Normalization n = new Normalization(mean, new float[] {0.3f});
        mean[0] = 9f;
        n.mean()[0] = 9f;
        assertEquals(0.1f, n.mean()[0]);
        assertEquals(n, new Normalization(new float[] {0.1f}, new float[] {0.3f}));

        assertEquals("normalisation std of channel 0 is 0.0: it must be positive and finite",
                assertThrows(DataException.class, () -> new Normalization(new float[] {0f}, new float[] {0f})).getMessage());
        assertEquals("a normalisation needs one mean and one std per channel, got 2 means and 1 stds",
                assertThrows(DataException.class, () -> new Normalization(new float[2], new float[] {1f})).getMessage());
        assertEquals("normalisation fitted on 1 channels cannot be applied to an example with 3 channels: fit it on the same data set",
                assertThrows(DataException.class, () -> n.apply(new float[3], 0, 3, 1)).getMessage());
    }
}
