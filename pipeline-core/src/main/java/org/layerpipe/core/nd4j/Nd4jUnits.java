package org.layerpipe.core.nd4j;

import java.util.List;

import org.layerpipe.core.data.Batch;
import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches as device arrays, converted lazily when a stage asks (on the first stage's
 * worker for inputs, the last stage's for labels) and split into equal microbatches for GPipe.
 */
final class Nd4jUnits implements UnitSource<INDArray> {

    private final List<Batch> batches;
    private final int microbatches;
    private final Shape.Image shape;
    private final int classes;
    private final DataType dtype;

    Nd4jUnits(List<Batch> batches, int microbatches, Shape.Image shape, int classes, DataType dtype) {
        for (Batch b : batches) {
            if (b.size() % microbatches != 0) {
                throw new IllegalArgumentException("a minibatch of " + b.size() + " examples cannot be split into "
                        + microbatches + " equal microbatches");
            }
        }
        this.batches = batches;
        this.microbatches = microbatches;
        this.shape = shape;
        this.classes = classes;
        this.dtype = dtype;
    }

    @Override
    public INDArray input(int unit) {
        Batch b = batches.get(unit / microbatches);
        int n = b.size() / microbatches;
        int length = b.exampleLength();
        float[] slice = new float[n * length];
        System.arraycopy(b.features(), (unit % microbatches) * n * length, slice, 0, slice.length);
        return Nd4j.create(slice, new long[] {n, shape.channels(), shape.height(), shape.width()}, 'c').castTo(dtype);
    }

    @Override
    public INDArray labels(int unit) {
        Batch b = batches.get(unit / microbatches);
        int n = b.size() / microbatches;
        return oneHot(b.labels(), (unit % microbatches) * n, n, classes, dtype);
    }

    static INDArray features(Batch b, Shape.Image shape, DataType dtype) {
        return Nd4j.create(b.features(), new long[] {b.size(), shape.channels(), shape.height(), shape.width()}, 'c').castTo(dtype);
    }

    static INDArray oneHot(int[] labels, int from, int n, int classes, DataType dtype) {
        INDArray y = Nd4j.zeros(dtype, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, labels[from + i], 1.0);
        }
        return y;
    }
}
