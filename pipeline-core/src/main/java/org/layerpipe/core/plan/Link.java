package org.layerpipe.core.plan;

/**
 * The connection between neighbouring devices: a transfer of {@code b} bytes takes
 * {@code latency + b / bytesPerSecond} seconds. {@link #NONE} is free (one machine, shared memory).
 *
 * @param latencySeconds  per-transfer latency, {@code >= 0}
 * @param bytesPerSecond  bandwidth, {@code > 0} (infinite for no cost)
 */
public record Link(double latencySeconds, double bytesPerSecond) {

    public static final Link NONE = new Link(0, Double.POSITIVE_INFINITY);

    public Link {
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
            throw new IllegalArgumentException("link latency must be finite and >= 0 seconds, got " + latencySeconds);
        }
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("link bandwidth must be > 0 bytes/s, got " + bytesPerSecond);
        }
    }

    /** A link of {@code gbps} gigabits per second and {@code latencyMicros} µs latency. */
    public static Link gbps(double gbps, double latencyMicros) {
        return new Link(latencyMicros * 1e-6, gbps * 1e9 / 8);
    }

    /** Seconds to move {@code bytes}. */
    public double seconds(long bytes) {
        return latencySeconds + bytes / bytesPerSecond;
    }
}
