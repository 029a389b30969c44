package org.layerpipe.jobs.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** Splits entries into consecutive batches that respect a count and a byte limit. */
final class Batches {

    private Batches() {}

    /**
     * Consecutive, order-keeping batches of at most {@code maxCount} entries whose sizes add up
     * to at most {@code maxBytes}.
     *
     * @throws IllegalArgumentException when one entry alone is larger than {@code maxBytes}
     */
    static <T> List<List<T>> split(List<T> items, int maxCount, int maxBytes, ToIntFunction<T> size, String what) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            int s = size.applyAsInt(item);
            if (s > maxBytes) {
                throw new IllegalArgumentException(what + " entry of " + s + " bytes is larger than the " + maxBytes
                        + " bytes one MLflow request may carry: shorten it (log large content as an artifact)");
            }
            if (!current.isEmpty() && (current.size() == maxCount || bytes + s > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += s;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
