package org.layerpipe.core.optim;

import java.util.Locale;

/** How the learning rate moves over training, as a function of progress in [0, 1], and the warm-up ramp before it. */
public enum LrSchedule {
    /** The base rate throughout. */
    CONSTANT,
    /** Cosine decay from the base rate to 0 at the end of training. */
    COSINE,
    /** Divided by 10 at 50% and again at 75% of training. */
    STEP;

    /** The factor applied to the base rate at {@code progress} (updates done / total updates). */
    public double factor(double progress) {
        double p = Math.min(1.0, Math.max(0.0, progress));
        return switch (this) {
            case CONSTANT -> 1.0;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * p));
            case STEP -> p < 0.5 ? 1.0 : p < 0.75 ? 0.1 : 0.01;
        };
    }

    /**
     * The linear warm-up factor of update {@code update} (0-based) over {@code warmupUpdates}
     * updates: {@code (update + 1) / warmupUpdates} until it reaches 1, so the first update already
     * moves the weights; 1 throughout when there is no warm-up.
     */
    public static double warmup(long update, double warmupUpdates) {
        return warmupUpdates <= 0 ? 1.0 : Math.min(1.0, (update + 1) / warmupUpdates);
    }

    public static LrSchedule parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (LrSchedule s : values()) {
            if (s.name().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + text + "': use constant, cosine or step");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
