package org.layerpipe.core.weights;

import java.util.Map;

/**
 * {@link WeightMode#EMA} variant {@link EmaRule#WEIGHT_AVERAGE}: an exponential average of
 * the weights themselves, {@code A ← β·A + (1−β)·W} after each update, with
 * {@code β = D/(D+1)} so that its mean lag is the stage's delay D.
 *
 * <p>Starting from {@code A = W₀}, a constant update u gives {@code W_k − A_k = D·u·(1−β^k)},
 * so {@code ê = (W_now − A) / (D·(1−β^k))} estimates the per-update step and the weights of
 * a forward d updates ago are reconstructed as {@code W_now − d·ê}, exact for constant
 * updates even during pipeline fill (when d &lt; D).
 */
public final class WeightAverageHistory<V> implements WeightHistory<V> {

    private final int delay;
    private final double beta;
    private final VectorOps<V> ops;
    private V average;
    private double betaPowK = 1.0;

    public WeightAverageHistory(int delay, VectorOps<V> ops) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + delay);
        }
        this.delay = delay;
        this.beta = EmaRule.WEIGHT_AVERAGE.beta(delay, 0.0);
        this.ops = ops;
    }

    @Override
    public void onForward(long version, V current) {
        if (delay > 0 && average == null) {
            average = ops.zerosLike(current);
            ops.copy(current, average);
        }
    }

    @Override
    public void beforeUpdate(long version, V current) {
    }

    @Override
    public void afterUpdate(long version, V applied, V current) {
        if (average == null) {
            return;
        }
        ops.scale(average, beta);
        ops.axpy(1.0 - beta, current, average);
        betaPowK *= beta;
    }

    @Override
    public V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch) {
        long d = currentVersion - forwardVersion;
        if (d == 0) {
            return current;
        }
        if (average == null) {
            throw new IllegalStateException("a backward is " + d + " updates stale at a stage of nominal delay "
                    + delay + ", which keeps no history");
        }
        // target = W − c·(W − A) with c = d / (D·(1−β^k))
        double c = d / (delay * (1.0 - betaPowK));
        ops.copy(current, scratch);
        ops.scale(scratch, 1.0 - c);
        ops.axpy(c, average, scratch);
        return scratch;
    }

    @Override
    public void skipWeightsForBackward(long forwardVersion) {
    }

    @Override
    public boolean usesScratch() {
        return true;
    }

    @Override
    public HistoryState<V> state() {
        Map<String, V> vectors = average == null ? Map.of() : Map.of("average", average);
        return new HistoryState<>("weight-average", vectors, Map.of(), Map.of("betaPowK", betaPowK));
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        state.requireKind("weight-average");
        V saved = state.vectors().get("average");
        if (saved != null) {
            average = ops.zerosLike(like);
            ops.copy(saved, average);
        }
        betaPowK = state.number("betaPowK");
    }

    @Override
    public long heldBytes() {
        return average == null ? 0 : ops.bytes(average);
    }

    @Override
    public long peakBytes() {
        return heldBytes();
    }
}
