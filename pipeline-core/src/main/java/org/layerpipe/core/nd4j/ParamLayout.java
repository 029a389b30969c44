package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where each parameter tensor of a stage lives in the stage's flat vector, in Deeplearning4j's
 * order (so a stage's flat vector equals the matching slice of a plain DL4J network's
 * {@code params()}). Blocks register their tensors while they are built and later read them
 * by index from {@link #views} of whichever flat vector holds the weights to use: the current
 * weights, a stashed copy, or a reconstruction — switching versions costs no copy.
 */
final class ParamLayout {

    /** One tensor: its offset in the flat vector, its shape ('c' order) and whether gradient descent trains it. */
    record Param(long offset, long[] shape, boolean trainable) {
        long length() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final List<Param> params = new ArrayList<>();
    private long size;

    /** Registers a trained tensor and returns its index. */
    int add(long... shape) {
        return add(true, shape);
    }

    /** Registers a tensor; {@code trainable = false} for batch-norm running statistics, which move by their own rule. */
    int add(boolean trainable, long... shape) {
        Param p = new Param(size, shape.clone(), trainable);
        params.add(p);
        size += p.length();
        return params.size() - 1;
    }

    long size() {
        return size;
    }

    List<Param> params() {
        return List.copyOf(params);
    }

    /** Views of every registered tensor into {@code flat} (a vector of {@link #size()} entries). */
    INDArray[] views(INDArray flat) {
        INDArray[] v = new INDArray[params.size()];
        for (int i = 0; i < v.length; i++) {
            Param p = params.get(i);
            v[i] = flat.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length())).reshape('c', p.shape());
        }
        return v;
    }

    /** Maximal runs {@code [from, to)} of entries that are trained ({@code trainable}) or not. */
    List<long[]> ranges(boolean trainable) {
        List<long[]> out = new ArrayList<>();
        for (Param p : params) {
            if (p.trainable() != trainable || p.length() == 0) {
                continue;
            }
            long[] lastRange = out.isEmpty() ? null : out.get(out.size() - 1);
            if (lastRange != null && lastRange[1] == p.offset()) {
                lastRange[1] = p.offset() + p.length();
            } else {
                out.add(new long[] {p.offset(), p.offset() + p.length()});
            }
        }
        return out;
    }
}
