package org.layerpipe.core.weights;

import java.util.Map;

/**
 * A history with an exact {@link StashHistory} kept beside it, to measure how far its
 * reconstructions are from the true weights: {@code ‖Ŵ − W_true‖ / ‖W_true − W_now‖} per
 * stale backward — the number that says whether an EMA works. The shadow's memory is a
 * diagnostic cost and is not counted in {@link #heldBytes()}.
 */
public final class ShadowedHistory<V> implements WeightHistory<V> {

    /** The count a shadowed history adds to its inner history's state. */
    static final String SHADOW_BUFFERS = "shadow.buffers";

    private final WeightHistory<V> inner;
    private final StashHistory<V> exact;
    private final VectorOps<V> ops;
    /** End of each segment of the weight vector (one per block with weights), ascending; empty for the whole vector only. */
    private final long[] segmentEnds;
    private final long[] segmentCounts;
    private final double[] segmentSums;
    private long count;
    private double sum;
    private double max;

    public ShadowedHistory(WeightHistory<V> inner, int delay, VectorOps<V> ops) {
        this(inner, delay, ops, new long[0]);
    }

    /**
     * @param segmentEnds where each block's weights end in the flat vector (ascending; the first
     *                    segment starts at 0): the error is also measured per segment
     */
    public ShadowedHistory(WeightHistory<V> inner, int delay, VectorOps<V> ops, long[] segmentEnds) {
        this.inner = inner;
        this.exact = new StashHistory<>(delay, ops);
        this.ops = ops;
        this.segmentEnds = segmentEnds.clone();
        this.segmentCounts = new long[segmentEnds.length];
        this.segmentSums = new double[segmentEnds.length];
    }

    @Override
    public void onForward(long version, V current) {
        inner.onForward(version, current);
        exact.onForward(version, current);
    }

    @Override
    public void beforeUpdate(long version, V current) {
        inner.beforeUpdate(version, current);
        exact.beforeUpdate(version, current);
    }

    @Override
    public void afterUpdate(long version, V applied, V current) {
        inner.afterUpdate(version, applied, current);
        exact.afterUpdate(version, applied, current);
    }

    @Override
    public V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch) {
        V used = inner.weightsForBackward(forwardVersion, currentVersion, current, scratch);
        V truth = exact.exact(forwardVersion, current);
        if (truth != current) {
            double drift = ops.distance(truth, current);
            if (drift > 0) {
                double error = ops.distance(used, truth) / drift;
                count++;
                sum += error;
                max = Math.max(max, error);
                long from = 0;
                for (int k = 0; k < segmentEnds.length; k++) {
                    double segmentDrift = ops.distance(truth, current, from, segmentEnds[k]);
                    if (segmentDrift > 0) {
                        segmentSums[k] += ops.distance(used, truth, from, segmentEnds[k]) / segmentDrift;
                        segmentCounts[k]++;
                    }
                    from = segmentEnds[k];
                }
            }
        }
        exact.release(forwardVersion);
        return used;
    }

    @Override
    public boolean usesScratch() {
        return inner.usesScratch();
    }

    @Override
    public boolean measuresReconstruction() {
        return true;
    }

    @Override
    public void skipWeightsForBackward(long forwardVersion) {
        inner.skipWeightsForBackward(forwardVersion);
        exact.release(forwardVersion);
    }

    @Override
    public boolean needsAppliedUpdate() {
        return inner.needsAppliedUpdate();
    }

    /**
     * The inner history's state plus the shadow stash's buffer count. The shadow is a diagnostic (not part of the
     * trial id): a checkpoint taken without it restores into a shadowed history and the other way round.
     */
    @Override
    public HistoryState<V> state() {
        HistoryState<V> shadow = exact.state();
        return inner.state().withCount(SHADOW_BUFFERS, shadow.count("buffers"));
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        inner.restore(state, like);
        long buffers = state.counts().getOrDefault(SHADOW_BUFFERS, 0L);
        exact.restore(new HistoryState<>("stash", Map.of(), Map.of("buffers", buffers, "peakBytes", 0L), Map.of()), like);
    }

    @Override
    public long heldBytes() {
        return inner.heldBytes();
    }

    @Override
    public long peakBytes() {
        return inner.peakBytes();
    }

    @Override
    public ReconstructionStats drainReconstructionStats() {
        double[] segments = new double[segmentEnds.length];
        for (int k = 0; k < segments.length; k++) {
            segments[k] = segmentCounts[k] == 0 ? Double.NaN : segmentSums[k] / segmentCounts[k];
        }
        ReconstructionStats stats = count == 0 ? ReconstructionStats.NONE
                : new ReconstructionStats(count, sum / count, max, segments);
        count = 0;
        sum = 0;
        max = 0;
        java.util.Arrays.fill(segmentCounts, 0);
        java.util.Arrays.fill(segmentSums, 0);
        return stats;
    }
}
