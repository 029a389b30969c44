package org.layerpipe.core.data;

/**
 * Derives independent seeds from a tuple such as (seed, epoch, position), so that every
 * random choice in this package is reproducible from the trial seed alone and does not
 * depend on the order in which other choices were made.
 */
final class Seeds {

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for the tuple {@code parts}: equal tuples give equal seeds. */
    static long mix(long... parts) {
        long h = 0x243F6A8885A308D3L;
        for (long part : parts) {
            // SplitMix64's finaliser after each part: neighbouring tuples (epoch 1 vs 2) give
            // unrelated seeds, which java.util.Random's weak seeding would not do by itself.
            h = splitMix(h ^ part);
        }
        return h;
    }

    private static long splitMix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
