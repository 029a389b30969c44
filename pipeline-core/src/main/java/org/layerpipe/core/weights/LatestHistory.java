package org.layerpipe.core.weights;

/** {@link WeightMode#LATEST}: keeps nothing; every backward uses the current weights. */
public final class LatestHistory<V> implements WeightHistory<V> {

    @Override
    public void afterUpdate(long version, V applied, V current) {
    }

    @Override
    public V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch) {
        return current;
    }

    @Override
    public void skipWeightsForBackward(long forwardVersion) {
    }

    @Override
    public HistoryState<V> state() {
        return HistoryState.empty("latest");
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        state.requireKind("latest");
    }

    @Override
    public long heldBytes() {
        return 0;
    }

    @Override
    public long peakBytes() {
        return 0;
    }
}
