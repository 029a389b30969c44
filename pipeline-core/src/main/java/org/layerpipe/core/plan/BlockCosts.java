package org.layerpipe.core.plan;

import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;

/**
 * What each block of a model costs per example: forward and backward seconds. The planner sums
 * them into {@link StageCosts} for a partition.
 *
 * @param forward  seconds per example, per block
 * @param backward seconds per example, per block
 */
public record BlockCosts(double[] forward, double[] backward) {

    public BlockCosts {
        if (forward.length != backward.length) {
            throw new IllegalArgumentException("block costs need a forward and a backward time for every block");
        }
        forward = forward.clone();
        backward = backward.clone();
    }

    public int numBlocks() {
        return forward.length;
    }

    /** Forward + backward of block {@code k}. */
    public double total(int k) {
        return forward[k] + backward[k];
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

    /**
     * From the block profiler's seconds per minibatch of {@code batch} examples (forward and
     * backward timed together), split 1 : 2 as {@link #estimated} splits them.
     */
    public static BlockCosts profiled(double[] secondsPerMinibatch, int batch) {
        double[] f = new double[secondsPerMinibatch.length];
        double[] b = new double[secondsPerMinibatch.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = secondsPerMinibatch[k] / batch / 3;
            b[k] = 2 * f[k];
        }
        return new BlockCosts(f, b);
    }
}
