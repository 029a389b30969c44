package org.layerpipe.core.plan;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;

/**
 * What one stage costs per unit of data (a minibatch; for GPipe a microbatch): forward,
 * backward and update seconds, the bytes it sends to the next stage (its output; the gradient
 * coming back has the same size) and its parameter count.
 *
 * @param forward      seconds per unit, per stage
 * @param backward     seconds per unit, per stage (both gradients)
 * @param update       seconds per weight update, per stage
 * @param outputBytes  bytes of a unit's output at each stage (what crosses to the next)
 * @param activationBytes bytes a stage keeps per unit in flight (the inputs of its blocks)
 * @param params       parameters per stage
 * @param weightGradient the part of {@code backward} that computes weight gradients, per stage: what a
 *                     zero-bubble schedule runs as a separate pass ({@code Op.WEIGHT}); the rest is the
 *                     input gradient the previous stage waits for
 */
public record StageCosts(double[] forward, double[] backward, double[] update, long[] outputBytes, long[] activationBytes,
                         long[] params, double[] weightGradient) {

    public StageCosts {
        int p = forward.length;
        if (p == 0 || backward.length != p || update.length != p || outputBytes.length != p || activationBytes.length != p
                || params.length != p || weightGradient.length != p) {
            throw new IllegalArgumentException("stage costs need one entry per stage in every array");
        }
        for (int s = 0; s < p; s++) {
            if (weightGradient[s] < 0 || weightGradient[s] > backward[s]) {
                throw new IllegalArgumentException("stage " + s + "'s weight-gradient time " + weightGradient[s]
                        + " s is not part of its backward's " + backward[s] + " s");
            }
        }
        forward = forward.clone();
        backward = backward.clone();
        update = update.clone();
        outputBytes = outputBytes.clone();
        activationBytes = activationBytes.clone();
        params = params.clone();
        weightGradient = weightGradient.clone();
    }

    /**
     * Costs whose backward splits evenly into its input- and weight-gradient parts, as it does for
     * dense and convolution layers (each one product the size of the forward's).
     */
    public StageCosts(double[] forward, double[] backward, double[] update, long[] outputBytes, long[] activationBytes,
                      long[] params) {
        this(forward, backward, update, outputBytes, activationBytes, params, halves(backward));
    }

    private static double[] halves(double[] backward) {
        double[] h = backward.clone();
        for (int s = 0; s < h.length; s++) {
            h[s] /= 2;
        }
        return h;
    }

    /** Seconds of the backward's input-gradient part: what a zero-bubble schedule's {@code BACKWARD} pass costs. */
    public double inputGradient(int stage) {
        return backward[stage] - weightGradient[stage];
    }

    public int numStages() {
        return forward.length;
    }

    /** Balanced stages of equal forward {@code f} and backward {@code b} seconds, nothing sent, no update cost. */
    public static StageCosts uniform(int stages, double f, double b) {
        double[] fs = new double[stages];
        double[] bs = new double[stages];
        java.util.Arrays.fill(fs, f);
        java.util.Arrays.fill(bs, b);
        return new StageCosts(fs, bs, new double[stages], new long[stages], new long[stages], new long[stages]);
    }

    /**
     * Sums per-block costs over the stages of {@code partition}, for units of {@code unitExamples}
     * examples (the batch size; batch / microbatches for GPipe).
     *
     * @param blocks        seconds per example and block (per update for the update)
     * @param bytesPerValue 4 for float, 8 for double
     */
    public static StageCosts of(ModelSpec model, Partition partition, BlockCosts blocks,
                                int unitExamples, int bytesPerValue) {
        if (partition.numBlocks() != model.numBlocks()) {
            throw new IllegalArgumentException("partition " + partition + " covers " + partition.numBlocks()
                    + " blocks but the model has " + model.numBlocks());
        }
        int p = partition.numStages();
        double[] f = new double[p];
        double[] b = new double[p];
        double[] w = new double[p];
        double[] u = new double[p];
        long[] out = new long[p];
        long[] act = new long[p];
        long[] params = new long[p];
        long[] blockParams = model.parameterCounts();
        java.util.List<Shape> shapes = model.shapes();
        // the first stage's head, up to and including its first block with weights, needs no input gradient
        int head = 0;
        while (head < blockParams.length - 1 && blockParams[head] == 0) {
            head++;
        }
        for (int s = 0; s < p; s++) {
            for (int k = partition.firstBlock(s); k < partition.endBlock(s); k++) {
                double backward = (s == 0 && k <= head ? blocks.backwardAtStart()[k] : blocks.backward()[k]) * unitExamples;
                f[s] += blocks.forward()[k] * unitExamples;
                b[s] += backward;
                // a block with weights spends about half its backward on their gradient (one product each);
                // at the head of the first stage that gradient is all it computes
                w[s] += blockParams[k] > 0 ? (s == 0 && k <= head ? backward : backward / 2) : 0;
                params[s] += blockParams[k];
                act[s] += shapes.get(k).size() * unitExamples * bytesPerValue;
                // without a measured update: an SGD step reads and writes a few vectors of the weights, ~1 ns per parameter here
                u[s] += blocks.update() == null ? blockParams[k] * 1e-9 : blocks.update()[k];
            }
            out[s] = shapes.get(partition.endBlock(s)).size() * unitExamples * bytesPerValue;
        }
        // the last stage keeps only its input at the forward and runs its blocks and the loss at the
        // backward (Nd4jStage): its work happens then, which flushing schedules (GPipe: all forwards,
        // then all backwards) cannot hide behind the earlier stages' forwards
        b[p - 1] += f[p - 1];
        f[p - 1] = 0;
        return new StageCosts(f, b, u, out, act, params, w);
    }
}
