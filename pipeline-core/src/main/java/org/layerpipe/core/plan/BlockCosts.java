package org.layerpipe.core.plan;

import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;

/**
 * What each block of a model costs: forward and backward seconds per example, and seconds per
 * weight update. The planner sums them into {@link StageCosts} for a partition.
 *
 * @param forward         seconds per example, per block
 * @param backward        seconds per example, per block, with the gradient with respect to the block's input
 * @param backwardAtStart seconds per example, per block, when nothing before the block needs its input
 *                        gradient — the head of the first stage, up to its first block with weights (an MLP's
 *                        first dense layer computes only its weight gradient there)
 * @param update          seconds per weight update, per block, or {@code null} when unknown: then the planner
 *                        estimates ~1 ns per parameter (an SGD step reads and writes a few vectors of the weights)
 */
public record BlockCosts(double[] forward, double[] backward, double[] backwardAtStart, double[] update) {

    public BlockCosts {
        if (forward.length != backward.length || backwardAtStart.length != backward.length
                || (update != null && update.length != backward.length)) {
            throw new IllegalArgumentException("block costs need a forward and a backward time for every block");
        }
        forward = forward.clone();
        backward = backward.clone();
        backwardAtStart = backwardAtStart.clone();
        update = update == null ? null : update.clone();
    }

    /** Forward and backward only: the same backward anywhere, the update estimated from the parameter count. */
    public BlockCosts(double[] forward, double[] backward) {
        this(forward, backward, backward, null);
    }

    public int numBlocks() {
        return forward.length;
    }

    /** Forward + backward of block {@code k}. */
    public double total(int k) {
        return forward[k] + backward[k];
    }

    /** Forward + backward seconds of each block for a minibatch of {@code batch} examples: what {@code balanced:M} balances. */
    public double[] perMinibatch(int batch) {
        double[] out = new double[forward.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = total(k) * batch;
        }
        return out;
    }

    /**
     * From each block's multiply-adds at {@code tflops} TFLOP/s per device: backward twice the
     * forward's work (input and weight gradients); a block without multiply-adds counts one per
     * output value.
     */
    public static BlockCosts estimated(ModelSpec model, double tflops) {
        double[] macs = model.estimatedCosts();
        List<Shape> shapes = model.shapes();
        double[] f = new double[macs.length];
        double[] b = new double[macs.length];
        for (int k = 0; k < macs.length; k++) {
            double work = Math.max(macs[k], shapes.get(k + 1).size());
            f[k] = 2 * work / (tflops * 1e12);
            b[k] = 2 * f[k];
        }
        return new BlockCosts(f, b);
    }
}
