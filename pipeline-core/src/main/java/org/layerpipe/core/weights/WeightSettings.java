package org.layerpipe.core.weights;

/**
 * The weight-history setting of a trial: mode, EMA rule and β, and whether to keep an exact
 * shadow stash beside the EMA to measure its reconstruction error.
 *
 * @param mode   which weights the backward uses
 * @param rule   EMA decay rule (ignored unless mode is EMA)
 * @param beta   the fixed decay, in [0, 1) (used only by {@link EmaRule#FIXED})
 * @param shadow keep an exact stash beside the history and report {@code ‖Ŵ−W_true‖/‖W_true−W_now‖}
 */
public record WeightSettings(WeightMode mode, EmaRule rule, double beta, boolean shadow) {

    public static final double DEFAULT_FIXED_BETA = 0.9;

    public WeightSettings {
        if (mode == null) {
            throw new IllegalArgumentException("weight mode is missing: use latest, stash or ema");
        }
        if (rule == null) {
            rule = EmaRule.PIPELINE_AWARE;
        }
        if (!(beta >= 0.0 && beta < 1.0)) {
            throw new IllegalArgumentException("EMA beta must be in [0, 1), got " + beta);
        }
    }

    public static WeightSettings latest() {
        return new WeightSettings(WeightMode.LATEST, EmaRule.PIPELINE_AWARE, DEFAULT_FIXED_BETA, false);
    }

    public static WeightSettings stash() {
        return new WeightSettings(WeightMode.STASH, EmaRule.PIPELINE_AWARE, DEFAULT_FIXED_BETA, false);
    }

    public static WeightSettings ema(EmaRule rule) {
        return new WeightSettings(WeightMode.EMA, rule, DEFAULT_FIXED_BETA, false);
    }

    public static WeightSettings emaFixed(double beta) {
        return new WeightSettings(WeightMode.EMA, EmaRule.FIXED, beta, false);
    }

    public WeightSettings withShadow(boolean on) {
        return new WeightSettings(mode, rule, beta, on);
    }

    /** Short label for tables and run names, e.g. {@code stash}, {@code ema-pa}, {@code ema-b0.9}, {@code ema-wa}. */
    public String label() {
        return switch (mode) {
            case LATEST -> "latest";
            case STASH -> "stash";
            case EMA -> switch (rule) {
                case PIPELINE_AWARE -> "ema-pa";
                case FIXED -> "ema-b" + beta;
                case WEIGHT_AVERAGE -> "ema-wa";
            };
        };
    }

    /** Builds the history for one stage of nominal delay {@code delay}. */
    public <V> WeightHistory<V> newHistory(int delay, VectorOps<V> ops) {
        return newHistory(delay, ops, new long[0]);
    }

    /**
     * The history, whose shadow (if any) also measures the error of each segment of the weight
     * vector ending at {@code segmentEnds} (one per block with weights).
     */
    public <V> WeightHistory<V> newHistory(int delay, VectorOps<V> ops, long[] segmentEnds) {
        WeightHistory<V> history = switch (mode) {
            case LATEST -> new LatestHistory<>();
            case STASH -> new StashHistory<>(delay, ops);
            case EMA -> rule == EmaRule.WEIGHT_AVERAGE
                    ? new WeightAverageHistory<>(delay, ops)
                    : new EmaHistory<>(delay, rule.beta(delay, beta), ops);
        };
        return shadow ? new ShadowedHistory<>(history, delay, ops, segmentEnds) : history;
    }
}
