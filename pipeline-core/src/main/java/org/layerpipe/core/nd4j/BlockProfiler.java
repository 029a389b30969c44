package org.layerpipe.core.nd4j;

import java.util.List;
import java.util.Random;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.train.Precision;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures what each block costs a stage on this device: forward, backward and weight update,
 * each block run alone as a one-block stage on random data of the trial's batch size. Means of
 * timed runs after warm-up feed {@code balanced:M} and the planner's measured costs: means, not
 * medians, because a run's time is the sum of its ops' times, slow ones included. On a shared machine
 * one op in twenty takes 1.5–2.5× its median (the thread was preempted, a cache was cold), and a
 * schedule whose stages wait on each other (GPipe) cannot hide those delays: with medians the planner
 * predicted GPipe 10–15 % too fast; the asynchronous schedules, whose bottleneck stage always has
 * work queued, came out the same either way.
 */
public final class BlockProfiler {

    /** Untimed runs per block: the first allocate the stage's buffers. */
    private static final int WARMUP = 3;
    /** Timed runs per block, at least. */
    private static final int RUNS = 5;
    /**
     * Timed runs go on until they took this long: a small block (an MLP's loss, ~50 µs) needs
     * hundreds of runs for a mean that the scheduler's noise does not move; a ResNet block
     * takes it in its five.
     */
    private static final long MIN_TIMED_NANOS = 50_000_000L;

    /**
     * The updates' learning rate: tiny, so the weights stay those of the seed, but not 0, for which
     * BLAS's axpy returns at once and an update would seem free (3 µs instead of 0.1 ms for an MLP stage).
     */
    private static final double PROFILE_LEARNING_RATE = 1e-9;

    private BlockProfiler() {
    }

    /** Each block's costs at {@code precision} ({@link #costs(ModelSpec, int, DataType, long)}). */
    public static BlockCosts costs(ModelSpec model, int batchSize, Precision precision, long seed) {
        return costs(model, batchSize, Nd4jBackend.dtype(precision), seed);
    }

    /** Seconds per minibatch (forward + backward) for each block of {@code model}: what {@code balanced:M} balances. */
    public static double[] profile(ModelSpec model, int batchSize, DataType dtype, long seed) {
        return costs(model, batchSize, dtype, seed).perMinibatch(batchSize);
    }

    /**
     * Each block's forward, backward and update, measured at {@code batchSize} and expressed per
     * example (per update for the update). The blocks up to the first one with weights are also
     * timed at the head of a first stage, where no input gradient is computed.
     */
    public static BlockCosts costs(ModelSpec model, int batchSize, DataType dtype, long seed) {
        List<Shape> shapes = model.shapes();
        List<INDArray> init = Nd4jLayers.initialParameters(model, dtype, seed);
        long[] params = model.parameterCounts();
        int n = model.numBlocks();
        double[] forward = new double[n];
        double[] backward = new double[n];
        double[] backwardAtStart = new double[n];
        double[] update = new double[n];
        Random random = new Random(seed);
        boolean head = true;
        for (int b = 0; b < n; b++) {
            double[] inner = time(1, model.block(b), shapes.get(b), init.get(b), batchSize, dtype, random);
            forward[b] = inner[0] / batchSize;
            backward[b] = inner[1] / batchSize;
            update[b] = inner[2];
            backwardAtStart[b] = head ? time(0, model.block(b), shapes.get(b), init.get(b), batchSize, dtype, random)[1] / batchSize
                    : backward[b];
            head &= params[b] == 0;
        }
        return new BlockCosts(forward, backward, backwardAtStart, update);
    }

    /** Mean seconds of forward, backward and update of {@code block} alone as stage {@code index}. */
    private static double[] time(int index, Block block, Shape in, INDArray params, int batchSize, DataType dtype, Random random) {
        INDArray x = randn(in, batchSize, dtype, random);
        Nd4jStage stage = new Nd4jStage(index, List.of(block), List.of(in), List.of(params),
                WeightSettings.latest(), 0, SgdSettings.PLAIN, dtype);
        boolean last = block instanceof Block.SoftmaxLoss;
        INDArray labels = last ? Nd4jUnits.oneHot(new int[batchSize], 0, batchSize, ((Shape.Flat) in).features(), dtype) : null;
        INDArray grad = last ? null : randn(block.outputShape(in), batchSize, dtype, random);
        for (int r = 0; r < WARMUP; r++) {
            stage.forward(r, x, labels);
            stage.backward(r, grad);
            stage.update(PROFILE_LEARNING_RATE);
        }
        long[] nanos = new long[3]; // forward, backward, update, summed over the timed runs
        int runs = 0;
        while (runs < RUNS || nanos[0] + nanos[1] + nanos[2] < MIN_TIMED_NANOS) {
            int unit = WARMUP + runs;
            long t0 = System.nanoTime();
            stage.forward(unit, x, labels);
            long t1 = System.nanoTime();
            stage.backward(unit, grad);
            long t2 = System.nanoTime();
            stage.update(PROFILE_LEARNING_RATE);
            long t3 = System.nanoTime();
            nanos[0] += t1 - t0;
            nanos[1] += t2 - t1;
            nanos[2] += t3 - t2;
            runs++;
        }
        double[] means = new double[3];
        for (int i = 0; i < 3; i++) {
            means[i] = nanos[i] / 1e9 / runs;
        }
        return means;
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
