package org.layerpipe.jobs.tracking;

/**
 * One value of a metric: {@code timestamp} in epoch milliseconds, {@code step} the training
 * step or epoch it belongs to. Values may be NaN or infinite (MLflow stores them).
 */
public record Metric(String key, double value, long timestamp, long step) {

    public Metric {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("metric key must be a non-empty name, got " + (key == null ? "null" : "'" + key + "'"));
        }
    }

    /** A value stamped with the current time. */
    public static Metric now(String key, double value, long step) {
        return new Metric(key, value, System.currentTimeMillis(), step);
    }
}
