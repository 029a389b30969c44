package org.layerpipe.core.weights;

/**
 * Summary of reconstruction errors {@code ‖Ŵ−W_true‖ / ‖W_true−W_now‖} over a number of
 * stale backwards (those with {@code W_true ≠ W_now}), and the same ratio per segment of the
 * weight vector (one segment per block with weights: each block's own {@code ‖Ŵ_b−W_b,true‖ /
 * ‖W_b,true−W_b,now‖}, NaN for a segment that never drifted).
 */
public record ReconstructionStats(long count, double mean, double max, double[] segmentMeans) {

    public static final ReconstructionStats NONE = new ReconstructionStats(0, Double.NaN, Double.NaN);

    public ReconstructionStats {
        segmentMeans = segmentMeans.clone();
    }

    /** A summary of the whole vector only. */
    public ReconstructionStats(long count, double mean, double max) {
        this(count, mean, max, new double[0]);
    }

    /** Combines two summaries (of different stages), weighting means by their counts; the per-segment means are not kept. */
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
