package org.layerpipe.core.data;

import java.util.Arrays;

/**
 * Per-channel standardisation of raw pixels: {@code x ↦ ((x / 255) − mean[c]) / std[c]},
 * with {@code mean} and {@code std} measured on pixels scaled to 0..1. Fit it on the
 * training set only and apply the same values to the test set.
 *
 * @param mean per-channel mean of {@code x / 255}
 * @param std  per-channel standard deviation of {@code x / 255}, each positive
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new DataException("a normalisation needs one mean and one std per channel, got "
                    + (mean == null ? "null" : mean.length) + " means and " + (std == null ? "null" : std.length) + " stds");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new DataException("normalisation mean of channel " + c + " is " + mean[c] + ": it must be a finite number");
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new DataException("normalisation std of channel " + c + " is " + std[c] + ": it must be positive and finite");
            }
        }
        // Copies keep the record immutable; the arrays hold one value per channel.
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Measures per-channel mean and standard deviation (population) of {@code x / 255} over
     * every pixel of {@code train}. A constant channel gets std 1 (it is only centred), since
     * dividing by 0 would make every value infinite.
     */
    public static Normalization fit(Dataset train) {
        int channels = train.shape().channels();
        int pixels = train.shape().height() * train.shape().width();
        double[] sum = new double[channels];
        double[] sumSq = new double[channels];
        float[] f = train.features();
        for (int i = 0; i < train.size(); i++) {
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * pixels;
                // Per-image partial sums keep double rounding error small over 47M values.
                double s = 0;
                double sq = 0;
                for (int p = 0; p < pixels; p++) {
                    double x = f[base + p] / 255.0;
                    s += x;
                    sq += x * x;
                }
                sum[c] += s;
                sumSq[c] += sq;
            }
        }
        double n = (double) train.size() * pixels;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            double var = Math.max(0.0, sumSq[c] / n - m * m);
            mean[c] = (float) m;
            std[c] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Normalization(mean, std);
    }

    /** Number of channels. */
    public int channels() {
        return mean.length;
    }

    /** Per-channel means (a copy). */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** Per-channel standard deviations (a copy). */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Normalises one example in place: {@code channels} planes of {@code pixelsPerChannel}
     * raw values starting at {@code offset}.
     */
    public void apply(float[] example, int offset, int channels, int pixelsPerChannel) {
        if (channels != mean.length) {
            throw new DataException("normalisation fitted on " + mean.length + " channels cannot be applied to an example with "
                    + channels + " channels: fit it on the same data set");
        }
        if (offset < 0 || pixelsPerChannel < 1 || offset + (long) channels * pixelsPerChannel > example.length) {
            throw new IndexOutOfBoundsException("an example of " + channels + "x" + pixelsPerChannel + " values at offset "
                    + offset + " does not fit an array of " + example.length + " values");
        }
        for (int c = 0; c < channels; c++) {
            float scale = 1f / (255f * std[c]);
            float shift = mean[c] / std[c];
            int base = offset + c * pixelsPerChannel;
            for (int p = 0; p < pixelsPerChannel; p++) {
                example[base + p] = example[base + p] * scale - shift;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
