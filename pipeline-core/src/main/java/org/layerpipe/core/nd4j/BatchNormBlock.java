package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    private INDArray invStd;
    private INDArray sumG;
    private INDArray sumGx;
    private INDArray coefficient;
    private INDArray runningVar;
    private double[] hostA;
    private double[] hostB;
    private double[] hostC;
    private double[] hostD;
    private double[] hostE;
    private double[] hostF;

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
        double[] logStd = HostMath.read(w[runningLogStd], hostA);
        hostA = logStd;
        for (int c = 0; c < logStd.length; c++) {
            logStd[c] = variance(logStd[c]);
        }
        HostMath.write(logStd, runningVar);
        normalize.run(new INDArray[] {x, w[runningMean], runningVar, w[gamma], w[beta]}, out);
        return out;
    }

    /** {@code (10^logStd)²}. */
    private static double variance(double logStd) {
        return Math.exp(logStd * LN10_TIMES_2);
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
        invStd = Buffers.ensure(invStd, dtype, channels);
        sumG = Buffers.ensure(sumG, dtype, channels);
        sumGx = Buffers.ensure(sumGx, dtype, channels);
        coefficient = Buffers.ensure(coefficient, dtype, channels);
        int n = (int) channels;
        double[] mean = hostA = HostMath.read(s.mean, hostA);
        double[] var = hostB = HostMath.read(s.var, hostB);
        double[] c = hostC = hostC == null || hostC.length != n ? new double[n] : hostC;

        // x̂ = (x − μ)/σ
        for (int i = 0; i < n; i++) {
            c[i] = 1.0 / Math.sqrt(var[i] + EPS);
        }
        HostMath.write(c, invStd);
        subtract.run(s.x, perChannel(s.mean), xhat);
        multiply.run(xhat, perChannel(invStd), xhat);
        sum.run(g, sumG);
        multiply.run(g, xhat, tmp);
        sum.run(tmp, sumGx);

        if (gradIn != null) {
            // ∂x = γ/σ · (g − Σg/m − x̂·Σ(g·x̂)/m)
            double[] sg = hostD = HostMath.read(sumG, hostD);
            double[] sgx = hostE = HostMath.read(sumGx, hostE);
            double[] gam = hostF = HostMath.read(w[gamma], hostF);
            for (int i = 0; i < n; i++) {
                sgx[i] /= m;
                sg[i] /= m;
                gam[i] *= c[i];
            }
            HostMath.write(sgx, coefficient);
            multiply.run(xhat, perChannel(coefficient), tmp);
            subtract.run(g, tmp, gradIn);
            HostMath.write(sg, coefficient);
            subtract.run(gradIn, perChannel(coefficient), gradIn);
            HostMath.write(gam, coefficient);
            multiply.run(gradIn, perChannel(coefficient), gradIn);
        }
        HostMath.write(sumGx, gw[gamma], accumulate);
        HostMath.write(sumG, gw[beta], accumulate);

        // running mean: (1 − d)(μ_run − μ_batch)
        double[] run = hostD = HostMath.read(w[runningMean], hostD);
        for (int i = 0; i < n; i++) {
            c[i] = (1 - DECAY) * (run[i] - mean[i]);
        }
        HostMath.write(c, coefficient);
        HostMath.write(coefficient, gw[runningMean], accumulate);
        // running log10 std: ½·log10(σ²_run / (d·σ²_run + (1 − d)·σ²_batch))
        double[] logStd = hostE = HostMath.read(w[runningLogStd], hostE);
        for (int i = 0; i < n; i++) {
            double before = variance(logStd[i]);
            c[i] = Math.log(before / (DECAY * before + (1 - DECAY) * var[i])) / LN10_TIMES_2;
        }
        HostMath.write(c, coefficient);
        HostMath.write(coefficient, gw[runningLogStd], accumulate);
    }
}
