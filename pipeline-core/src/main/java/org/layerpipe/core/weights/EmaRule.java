package org.layerpipe.core.weights;

import java.util.Locale;

/**
 * How an {@link WeightMode#EMA} history chooses its decay and what it averages.
 * {@code D} is the stage's nominal delay (updates between a forward and its backward in steady
 * state: {@code 2·S} for the LayerPipe2 schedule).
 */
public enum EmaRule {
    /** EMA of applied updates with {@code β = (D−1)/(D+1)}: the average's mean lag matches the window of D updates. */
    PIPELINE_AWARE,
    /** EMA of applied updates with one fixed β for every stage. */
    FIXED,
    /** EMA of the weights themselves with {@code β = D/(D+1)} (mean lag D), turned into an update estimate. */
    WEIGHT_AVERAGE;

    /** Parses {@code pipeline-aware}, {@code fixed} or {@code weight-average} (any case, '-' or '_'). */
    public static EmaRule parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (EmaRule r : values()) {
            if (r.name().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown EMA rule '" + text + "': use pipeline-aware, fixed or weight-average");
    }

    /** The decay this rule uses at a stage of nominal delay {@code delay}; {@code fixedBeta} only matters for FIXED. */
    public double beta(int delay, double fixedBeta) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + delay);
        }
        return switch (this) {
            case PIPELINE_AWARE -> delay == 0 ? 0.0 : (delay - 1.0) / (delay + 1.0);
            case FIXED -> fixedBeta;
            case WEIGHT_AVERAGE -> delay / (delay + 1.0);
        };
    }
}
