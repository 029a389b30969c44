package org.layerpipe.core.weights;

/**
 * What the two moving-average histories share ({@link EmaHistory}, {@link WeightAverageHistory}):
 * one average vector, kept from the stage's first need of it, and the reconstruction of a stale
 * backward's weights from the current ones and that average into the stage's scratch vector.
 */
abstract class AverageHistory<V> implements WeightHistory<V> {

    final int delay;
    final VectorOps<V> ops;
    /** The average; null until the stage first keeps one, and always at delay 0. */
    V average;
    /** β^k, kept incrementally so the bias correction costs nothing. */
    double betaPowK = 1.0;

    AverageHistory(int delay, VectorOps<V> ops) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + delay);
        }
        this.delay = delay;
        this.ops = ops;
    }

    /** The weights of a forward {@code d > 0} updates ago, written into {@code scratch} from {@code current} and the average. */
    abstract V reconstruct(long d, V current, V scratch);

    @Override
    public final V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch) {
        long d = currentVersion - forwardVersion;
        if (d == 0) {
            return current;
        }
        if (average == null) {
            throw new IllegalStateException("a backward is " + d + " updates stale at a stage of nominal delay "
                    + delay + ", which keeps no history");
        }
        return reconstruct(d, current, scratch);
    }

    @Override
    public final void skipWeightsForBackward(long forwardVersion) {
    }

    @Override
    public final boolean usesScratch() {
        return true;
    }

    /** Copies the checkpoint's average, if it has one, into a vector of this stage's own. */
    final void restoreAverage(HistoryState<V> state, V like) {
        V saved = state.vectors().get("average");
        if (saved != null) {
            average = ops.zerosLike(like);
            ops.copy(saved, average);
        }
    }

    @Override
    public final long heldBytes() {
        return average == null ? 0 : ops.bytes(average);
    }

    @Override
    public final long peakBytes() {
        return heldBytes();
    }
}
