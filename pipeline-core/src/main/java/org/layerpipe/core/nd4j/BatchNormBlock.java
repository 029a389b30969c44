package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization over channels (images, NCHW) or features (flat), with Deeplearning4j's
 * parameters and running-statistics rule so that it trains exactly like DL4J's layer:
 * gamma, beta, running mean and running log10(std) (DL4J's default {@code useLogStd}),
 * decay 0.9, eps 1e-5.
 *
 * <p>The forward saves the minibatch's mean and (population) variance; the backward uses them,
 * never statistics of a later forward. Its input gradient is composed from reductions,
 * {@code ∂x = γ/σ · (g − mean(g) − x̂·mean(g·x̂))}, because libnd4j's {@code batchnorm_bp} is off
 * by ~2e-8 relative in double in M2.1 (and SameDiff's batch-norm gradient is wrong in the
 * M2.x line). The running statistics move as DL4J moves them: the backward writes their
 * "gradient" {@code old − new} (mean: {@code (1−d)(μ_run − μ_batch)}; log10 std:
 * {@code ½·log10(σ²_run / (d·σ²_run + (1−d)·σ²_batch))}), which the stage's update subtracts as is.
 */
final class BatchNormBlock extends NativeBlock {

    static final double DECAY = 0.9;
    static final double EPS = 1e-5;
    private static final double LN10_TIMES_2 = 2 * Math.log(10.0);

    private static final class BnState extends State {
        INDArray mean;
        INDArray var;

        @Override
        long savedBytes() {
            return Buffers.bytes(mean) + Buffers.bytes(var);
        }
    }

    private final int gamma;
    private final int beta;
    private final int runningMean;
    private final int runningLogStd;
    private final long channels;
    private final NativeOp moments;
    private final NativeOp normalize = new NativeOp("batchnorm", new long[] {1, 1, 1}, EPS);
    private final NativeOp sum;
    /** Elementwise ops with NumPy broadcasting of a per-channel vector viewed as [1, C, 1, 1]: several times faster than the legacy broadcast ops here. */
    private final NativeOp multiply = NativeOp.of("multiply");
    private final NativeOp subtract = NativeOp.of("subtract");
    private final long[] channelShape;
    private INDArray xhat;
    private INDArray tmp;
    private INDArray std;
    private INDArray sumG;
    private INDArray sumGx;
    private INDArray coefficient;
    private INDArray runningVar;
    private INDArray nextVar;

    BatchNormBlock(Shape in, ParamLayout layout) {
        super(in, in);
        this.channels = in instanceof Shape.Image i ? i.channels() : in.size();
        this.gamma = layout.add(channels);
        this.beta = layout.add(channels);
        this.runningMean = layout.add(false, channels);
        this.runningLogStd = layout.add(false, channels);
        this.channelShape = in instanceof Shape.Image ? new long[] {1, channels, 1, 1} : new long[] {1, channels};
        long[] axesLong = in instanceof Shape.Image ? new long[] {0, 2, 3} : new long[] {0};
        this.moments = NativeOp.of("moments", axesLong);
        this.sum = NativeOp.of("reduce_sum", axesLong);
    }

    @Override
    State newState() {
        return new BnState();
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State state, INDArray out) {
        BnState s = (BnState) state;
        s.x = x;
        s.mean = Buffers.ensure(s.mean, x.dataType(), channels);
        s.var = Buffers.ensure(s.var, x.dataType(), channels);
        moments.run(new INDArray[] {x}, s.mean, s.var);
        normalize.run(new INDArray[] {x, s.mean, s.var, w[gamma], w[beta]}, out);
        return out;
    }

    @Override
    INDArray infer(INDArray x, INDArray[] w, State s, INDArray out) {
        runningVar = Buffers.ensure(runningVar, x.dataType(), channels);
        variance(w[runningLogStd], runningVar);
        normalize.run(new INDArray[] {x, w[runningMean], runningVar, w[gamma], w[beta]}, out);
        return out;
    }

    /** {@code var ← (10^logStd)²}. */
    private static void variance(INDArray logStd, INDArray var) {
        var.assign(logStd).muli(LN10_TIMES_2);
        Transforms.exp(var, false);
    }

    /** A per-channel vector as [1, C, 1, 1] (or [1, C]), for broadcasting against the activations. */
    private INDArray perChannel(INDArray v) {
        return v.reshape(channelShape);
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State state, INDArray gradIn) {
        BnState s = (BnState) state;
        var dtype = g.dataType();
        long m = g.length() / channels;
        xhat = Buffers.ensure(xhat, dtype, g.shape());
        tmp = Buffers.ensure(tmp, dtype, g.shape());
        std = Buffers.ensure(std, dtype, channels);
        sumG = Buffers.ensure(sumG, dtype, channels);
        sumGx = Buffers.ensure(sumGx, dtype, channels);
        coefficient = Buffers.ensure(coefficient, dtype, channels);

        // 1/σ, then x̂ = (x − μ)/σ
        std.assign(s.var).addi(EPS);
        Transforms.sqrt(std, false);
        std.rdivi(1.0);
        subtract.run(s.x, perChannel(s.mean), xhat);
        multiply.run(xhat, perChannel(std), xhat);
        sum.run(g, sumG);
        Nd4j.exec(new MulOp(g, xhat, tmp));
        sum.run(tmp, sumGx);

        if (gradIn != null) {
            // ∂x = γ/σ · (g − Σg/m − x̂·Σ(g·x̂)/m)
            coefficient.assign(sumGx).divi(m);
            multiply.run(xhat, perChannel(coefficient), tmp);
            Nd4j.exec(new SubOp(g, tmp, gradIn));
            coefficient.assign(sumG).divi(m);
            subtract.run(gradIn, perChannel(coefficient), gradIn);
            coefficient.assign(w[gamma]).muli(std);
            multiply.run(gradIn, perChannel(coefficient), gradIn);
        }
        write(sumGx, gw[gamma], accumulate);
        write(sumG, gw[beta], accumulate);

        // running mean: (1 − d)(μ_run − μ_batch)
        coefficient.assign(w[runningMean]).subi(s.mean).muli(1 - DECAY);
        write(coefficient, gw[runningMean], accumulate);
        // running log10 std: ½·log10(σ²_run / (d·σ²_run + (1 − d)·σ²_batch))
        runningVar = Buffers.ensure(runningVar, dtype, channels);
        nextVar = Buffers.ensure(nextVar, dtype, channels);
        variance(w[runningLogStd], runningVar);
        nextVar.assign(runningVar).muli(DECAY);
        Nd4j.getBlasWrapper().level1().axpy(channels, 1 - DECAY, s.var, nextVar);
        coefficient.assign(runningVar).divi(nextVar);
        Transforms.log(coefficient, false);
        coefficient.divi(LN10_TIMES_2);
        write(coefficient, gw[runningLogStd], accumulate);
    }
}
