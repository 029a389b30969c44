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
public final class WeightAverageHistory<V> extends AverageHistory<V> {

    private final double beta;

    public WeightAverageHistory(int delay, VectorOps<V> ops) {
        super(delay, ops);
        this.beta = EmaRule.WEIGHT_AVERAGE.beta(delay, 0.0);
    }

    @Override
    public void onForward(long version, V current) {
        if (delay > 0 && average == null) {
            average = ops.zerosLike(current);
            ops.copy(current, average);
        }
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
    V reconstruct(long d, V current, V scratch) {
        // target = W − c·(W − A) with c = d / (D·(1−β^k))
        double c = d / (delay * (1.0 - betaPowK));
        ops.copy(current, scratch);
        ops.scale(scratch, 1.0 - c);
        ops.axpy(c, average, scratch);
        return scratch;
    }

    @Override
    public HistoryState<V> state() {
        Map<String, V> vectors = average == null ? Map.of() : Map.of("average", average);
        return new HistoryState<>("weight-average", vectors, Map.of(), Map.of("betaPowK", betaPowK));
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        state.requireKind("weight-average");
        restoreAverage(state, like);
        betaPowK = state.number("betaPowK");
    }
}
