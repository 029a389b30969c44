package org.layerpipe.core.nd4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Buffers that cross from one stage to its neighbour: a stage's outputs (read by the next
 * stage until that stage's backward of the minibatch, and given back by the producing stage's
 * own backward, which comes later) and its input gradients (read by the previous stage's
 * backward, which gives them back, from its own thread). So in steady state a pipeline
 * allocates nothing for its boundaries however far its workers drift apart. A pool that nobody
 * gives back to (a stage used on its own) simply allocates, and keeps nothing.
 */
final class BufferPool {

    private final Set<INDArray> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<INDArray> free = new ArrayDeque<>();
    private volatile boolean recycled;

    /** A pool whose buffers will be given back. */
    static BufferPool recycling() {
        BufferPool p = new BufferPool();
        p.enableRecycling();
        return p;
    }

    /** Called when a consumer will give buffers back. */
    void enableRecycling() {
        recycled = true;
    }

    synchronized INDArray take(DataType dtype, long[] shape) {
        for (Iterator<INDArray> it = free.iterator(); it.hasNext(); ) {
            INDArray a = it.next();
            if (a.dataType() == dtype && Arrays.equals(a.shape(), shape)) {
                it.remove();
                inUse.add(a);
                return a;
            }
        }
        INDArray a = Nd4j.createUninitialized(dtype, shape, 'c');
        if (recycled) {
            inUse.add(a);
        }
        return a;
    }

    /** Gives {@code a} back; arrays this pool did not make (views, data-source arrays) are ignored. */
    synchronized void release(INDArray a) {
        if (a != null && inUse.remove(a)) {
            free.push(a);
        }
    }

    /** Buffers this pool holds, free or in use. */
    synchronized int size() {
        return inUse.size() + free.size();
    }
}
