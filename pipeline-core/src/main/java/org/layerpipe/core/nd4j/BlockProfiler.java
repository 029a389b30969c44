package org.layerpipe.core.nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.train.Precision;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures what each block costs a stage per minibatch on this device: forward and backward,
 * each block run alone as a one-block stage on random data of the trial's batch size. The median of a few runs after
 * warm-up feeds {@code balanced:M}.
 */
public final class BlockProfiler {

    private static final int WARMUP = 2;
    private static final int RUNS = 5;

    private BlockProfiler() {
    }

    /** Seconds per minibatch for each block of {@code model}, at {@code precision}. */
    public static double[] profile(ModelSpec model, int batchSize, Precision precision, long seed) {
        return profile(model, batchSize, Nd4jBackend.dtype(precision), seed);
    }

    /** Seconds per minibatch for each block of {@code model}. */
    public static double[] profile(ModelSpec model, int batchSize, DataType dtype, long seed) {
        List<Shape> shapes = model.shapes();
        List<INDArray> init = Nd4jLayers.initialParameters(model, dtype, seed);
        double[] costs = new double[model.numBlocks()];
        Random random = new Random(seed);
        for (int b = 0; b < model.numBlocks(); b++) {
            Block block = model.block(b);
            Shape in = shapes.get(b);
            INDArray x = randn(in, batchSize, dtype, random);
            Nd4jStage stage = new Nd4jStage(1, List.of(block), List.of(in), List.of(init.get(b)),
                    WeightSettings.latest(), 0, SgdSettings.PLAIN, dtype);
            boolean last = block instanceof Block.SoftmaxLoss;
            INDArray labels = last ? Nd4jUnits.oneHot(new int[batchSize], 0, batchSize, ((Shape.Flat) in).features(), dtype) : null;
            INDArray grad = last ? null : randn(block.outputShape(in), batchSize, dtype, random);
            double[] times = new double[RUNS];
            for (int r = 0; r < WARMUP + RUNS; r++) {
                long t0 = System.nanoTime();
                stage.forward(r, x, labels);
                stage.backward(r, grad);
                if (r >= WARMUP) {
                    times[r - WARMUP] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(times);
            costs[b] = times[RUNS / 2];
        }
        return costs;
    }

    private static INDArray randn(Shape shape, int batch, DataType dtype, Random random) {
        long[] dims = shape instanceof Shape.Image i
                ? new long[] {batch, i.channels(), i.height(), i.width()}
                : new long[] {batch, shape.size()};
        INDArray a = Nd4j.zeros(dtype, dims);
        INDArray flat = a.reshape(a.length());
        for (long k = 0; k < a.length(); k++) {
            flat.putScalar(k, random.nextGaussian());
        }
        return a;
    }
}
