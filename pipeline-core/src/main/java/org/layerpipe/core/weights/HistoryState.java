package org.layerpipe.core.weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link WeightHistory} keeps from one epoch to the next, for a checkpoint: named vectors
 * (moving averages), counts and numbers (update counts, powers of β). Taken between epochs, when
 * no forward awaits its backward, so a stash holds no version then — only how many buffers it had.
 *
 * @param kind    which history wrote it ({@code latest}, {@code stash}, {@code ema}, {@code weight-average}):
 *                a history refuses another kind's state
 * @param vectors in the stage's vector type; a vector not yet made (no update so far) is absent
 * @param counts  exact integer counters
 * @param numbers floating-point state, restored bit for bit
 */
public record HistoryState<V>(String kind, Map<String, V> vectors, Map<String, Long> counts, Map<String, Double> numbers) {

    public HistoryState {
        vectors = Map.copyOf(vectors);
        counts = Map.copyOf(counts);
        numbers = Map.copyOf(numbers);
    }

    /** A state with nothing in it but its kind. */
    public static <V> HistoryState<V> empty(String kind) {
        return new HistoryState<>(kind, Map.of(), Map.of(), Map.of());
    }

    /** This state with one more count (a wrapper's own counter beside its inner history's state). */
    public HistoryState<V> withCount(String key, long value) {
        Map<String, Long> c = new LinkedHashMap<>(counts);
        c.put(key, value);
        return new HistoryState<>(kind, vectors, c, numbers);
    }

    /** @throws IllegalArgumentException when this state was written by another kind of history */
    void requireKind(String expected) {
        if (!kind.equals(expected)) {
            throw new IllegalArgumentException("the checkpoint holds a " + kind + " weight history, the trial uses " + expected);
        }
    }

    long count(String key) {
        Long v = counts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the checkpoint's " + kind + " weight history lacks its count '" + key + "'");
        }
        return v;
    }

    double number(String key) {
        Double v = numbers.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the checkpoint's " + kind + " weight history lacks its number '" + key + "'");
        }
        return v;
    }
}
