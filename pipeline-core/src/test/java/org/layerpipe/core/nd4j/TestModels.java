package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tiny models and seeded random data for the ND4J tests. */
final class TestModels {

    private TestModels() {
    }

    /** 12 → 16 → 8 → 4 classes: 4 blocks. */
    static ModelSpec mlp() {
        return Models.mlp(new Shape.Flat(12), 4, 16, 8);
    }

    /** conv-BN-ReLU-maxpool-flatten-dense-dense-softmax on 1×8×8: 8 blocks. */
    static ModelSpec cnn() {
        return new ModelSpec("tiny-cnn", new Shape.Image(1, 8, 8), List.of(
                new Block.Conv2d(4, 3, 1, 1, false, Activation.IDENTITY),
                new Block.BatchNorm(),
                new Block.Act(Activation.RELU),
                new Block.Pool(Block.Pool.PoolType.MAX, 2, 2),
                new Block.Flatten(),
                new Block.Dense(10, Activation.RELU),
                new Block.Dense(3, Activation.IDENTITY),
                new Block.SoftmaxLoss()));
    }

    /** Random standard-normal inputs and random one-hot labels, one minibatch per unit. */
    static Data data(ModelSpec model, int units, int batch, long seed, DataType dtype) {
        Random random = new Random(seed);
        int classes = model.numClasses();
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        long[] shape = model.input() instanceof Shape.Image img
                ? new long[] {batch, img.channels(), img.height(), img.width()}
                : new long[] {batch, model.input().size()};
        for (int u = 0; u < units; u++) {
            INDArray x = Nd4j.zeros(dtype, shape);
            INDArray flat = x.reshape(x.length());
            for (long i = 0; i < x.length(); i++) {
                flat.putScalar(i, random.nextGaussian());
            }
            INDArray y = Nd4j.zeros(dtype, batch, classes);
            for (int b = 0; b < batch; b++) {
                y.putScalar(b, random.nextInt(classes), 1.0);
            }
            inputs.add(x);
            labels.add(y);
        }
        return new Data(inputs, labels);
    }

    /**
     * Each of the first {@code minibatches} units of {@code data} repeated {@code m} times in a row:
     * as microbatches they give that minibatch's mean gradient, so a synchronous microbatched
     * schedule must train exactly like SEQUENTIAL on {@code data}.
     */
    static Data microbatchCopies(Data data, int minibatches, int m) {
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        for (int j = 0; j < minibatches; j++) {
            for (int k = 0; k < m; k++) {
                inputs.add(data.input(j));
                labels.add(data.labels(j));
            }
        }
        return new Data(inputs, labels);
    }

    record Data(List<INDArray> inputs, List<INDArray> labels) implements UnitSource<INDArray> {
        @Override
        public INDArray input(int unit) {
            return inputs.get(unit);
        }

        @Override
        public INDArray labels(int unit) {
            return labels.get(unit);
        }
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.reshape(a.length()).sub(b.reshape(b.length())).amaxNumber().doubleValue();
    }
}
