package org.layerpipe.core.weights;

import java.util.Map;

/**
 * {@link WeightMode#EMA} with an average of <em>applied updates</em> (LayerPipe2, our
 * formulation in DESIGN §2): {@code e ← β·e + (1−β)·ΔW} after each update, bias-corrected
 * {@code ê = e / (1 − β^k)} after k updates, and the weights of a forward {@code d} updates
 * ago reconstructed as {@code Ŵ = W_now − d·ê} with the exact integer d.
 *
 * <p>ΔW is the update actually applied, so learning rate, momentum and weight decay are all
 * absorbed. The reconstruction is exact whenever the update was constant over the window.
 * A stage with delay 0 (the last one) never needs history and holds nothing.
 *
 * <p>The average is kept unnormalised, {@code e = s·E} with {@code s = β^j} since the last
 * renormalisation, so an update is one pass over the weights ({@code E ← E + (1−β)/s·ΔW}) instead
 * of two (scale, then add): on a wide MLP these passes over the stage's weights are most of what
 * EMA costs over LATEST. {@code E} is folded back ({@code E ← s·E}, {@code s ← 1}) before
 * {@code 1/s} gets large, so its magnitude stays within {@code 1/RENORMALISE_BELOW} of the
 * average's; the result equals the two-pass recursion up to rounding.
 */
public final class EmaHistory<V> extends AverageHistory<V> {

    /** Below this {@code s} the unnormalised average is folded back. */
    static final double RENORMALISE_BELOW = 1e-12;

    private final double beta;
    /** The average is {@code scale·E}, {@code E} being the vector kept. */
    private double scale = 1.0;
    private long updates;

    public EmaHistory(int delay, double beta, VectorOps<V> ops) {
        super(delay, ops);
        if (!(beta >= 0.0 && beta < 1.0)) {
            throw new IllegalArgumentException("EMA beta must be in [0, 1), got " + beta);
        }
        this.beta = beta;
    }

    public double beta() {
        return beta;
    }

    @Override
    public void afterUpdate(long version, V applied, V current) {
        if (delay == 0) {
            return;
        }
        if (average == null) {
            average = ops.zerosLike(applied);
        }
        if (beta == 0.0) {
            ops.copy(applied, average); // the pipeline-aware rule at delay 1: the average is the last update
        } else {
            scale *= beta;
            ops.axpy((1.0 - beta) / scale, applied, average);
            if (scale < RENORMALISE_BELOW) {
                ops.scale(average, scale);
                scale = 1.0;
            }
        }
        updates++;
        betaPowK *= beta;
    }

    @Override
    V reconstruct(long d, V current, V scratch) {
        ops.copy(current, scratch);
        ops.axpy(-d * scale / (1.0 - betaPowK), average, scratch);
        return scratch;
    }

    @Override
    public boolean needsAppliedUpdate() {
        return delay > 0;
    }

    @Override
    public HistoryState<V> state() {
        Map<String, V> vectors = average == null ? Map.of() : Map.of("average", average);
        return new HistoryState<>("ema", vectors, Map.of("updates", updates),
                Map.of("beta", beta, "scale", scale, "betaPowK", betaPowK));
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        state.requireKind("ema");
        if (Double.doubleToLongBits(state.number("beta")) != Double.doubleToLongBits(beta)) {
            throw new IllegalArgumentException("the checkpoint's EMA has beta " + state.number("beta") + ", this stage's is " + beta);
        }
        restoreAverage(state, like);
        updates = state.count("updates");
        scale = state.number("scale");
        betaPowK = state.number("betaPowK");
    }
}
