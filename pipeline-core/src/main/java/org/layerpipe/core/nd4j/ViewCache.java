package org.layerpipe.core.nd4j;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reshaped views of arrays that live across steps (slot buffers, scratch, weight views), made
 * once per array instead of on every call: an ND4J {@code reshape} costs 7–15 µs here (a new
 * shape descriptor each time), and a step of the small CNN made some sixty of them. Keyed by
 * the array's identity; one cache per call site, so the target shape is fixed by the caller.
 * Bounded: when arrays are replaced (a different batch size) the stale entries go at the next
 * overflow, so no buffer is kept alive for long.
 */
final class ViewCache {

    private static final int MAX_ENTRIES = 32;

    /** A view and its shape, kept as given: ND4J's {@code shape()} makes a new array on every call. */
    private record View(INDArray array, long[] shape) {
    }

    private final Map<INDArray, View> views = new IdentityHashMap<>();

    /** {@code a} reshaped in 'c' order to {@code shape} (a view: {@code a} must be contiguous). */
    INDArray of(INDArray a, long... shape) {
        View v = views.get(a);
        if (v != null && Arrays.equals(v.shape(), shape)) {
            return v.array();
        }
        if (views.size() >= MAX_ENTRIES) {
            views.clear();
        }
        v = new View(a.reshape('c', shape), shape.clone());
        views.put(a, v);
        return v.array();
    }
}
