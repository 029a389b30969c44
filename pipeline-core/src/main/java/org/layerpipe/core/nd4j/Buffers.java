package org.layerpipe.core.nd4j;

import java.util.Arrays;

import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reusable device arrays: a buffer is kept while the batch size stays the same and replaced
 * only when it changes (a smaller last minibatch, evaluation), so steady-state steps allocate
 * nothing.
 */
final class Buffers {

    private Buffers() {
    }

    /** {@code current} if it already has {@code shape} and {@code dtype}, else a new uninitialised array. */
    static INDArray ensure(INDArray current, DataType dtype, long... shape) {
        if (current != null && current.dataType() == dtype && Arrays.equals(current.shape(), shape)) {
            return current;
        }
        return Nd4j.createUninitialized(dtype, shape, 'c');
    }

    /** The array shape of {@code n} examples of {@code shape}: [n, C, H, W] or [n, F]. */
    static long[] dims(Shape shape, long n) {
        if (shape instanceof Shape.Image i) {
            return new long[] {n, i.channels(), i.height(), i.width()};
        }
        return new long[] {n, shape.size()};
    }

    static long bytes(INDArray a) {
        return a == null ? 0 : a.length() * a.dataType().width();
    }
}
