package org.layerpipe.jobs.tracking;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to keep retrying a call that failed for a passing reason (connection error,
 * timeout, HTTP 429 or 5xx): exponential backoff from {@code initialBackoff}, doubling up to
 * {@code maxBackoff}, with jitter, until {@code maxElapsed} has passed since the first attempt.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) implements Serializable {

    /** 0.5 s, 1 s, 2 s, ... up to 15 s between attempts, for about two minutes. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofMinutes(2));

    public RetryPolicy {
        requirePositive("initialBackoff", initialBackoff);
        requirePositive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry maxBackoff (" + maxBackoff + ") must be at least initialBackoff (" + initialBackoff + ")");
        }
        if (maxElapsed == null || maxElapsed.isNegative()) {
            throw new IllegalArgumentException("retry maxElapsed must be zero or positive, got " + maxElapsed);
        }
    }

    /** The same backoff with another total budget. */
    public RetryPolicy withMaxElapsed(Duration budget) {
        return new RetryPolicy(initialBackoff, maxBackoff, budget);
    }

    /**
     * Pause before attempt {@code attempt + 1} (attempt counts from 1): the exponential delay
     * with "equal jitter" (half fixed, half random), so many clients that failed together do
     * not retry together.
     */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long exp = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
        long half = Math.max(1, exp / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("retry " + name + " must be positive, got " + d);
        }
    }
}
