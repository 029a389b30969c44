package org.layerpipe.core.weights;

/**
 * Summary of reconstruction errors {@code ‖Ŵ−W_true‖ / ‖W_true−W_now‖} over a number of
 * stale backwards (those with {@code W_true ≠ W_now}).
 */
public record ReconstructionStats(long count, double mean, double max) {

    public static final ReconstructionStats NONE = new ReconstructionStats(0, Double.NaN, Double.NaN);

    /** Combines two summaries, weighting means by their counts. */
    public ReconstructionStats merge(ReconstructionStats other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        long n = count + other.count;
        return new ReconstructionStats(n, (mean * count + other.mean * other.count) / n, Math.max(max, other.max));
    }
}
