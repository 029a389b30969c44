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
 * never statistics of a later forward. Everything is composed from per-channel sums
 * ({@link ChannelSums}) and broadcasting elementwise ops — measured several times faster here
 * than libnd4j's {@code moments}, {@code batchnorm} and {@code reduce_sum}. The input gradient is
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
    private final long[] channelShape;
    private final ChannelSums sums = new ChannelSums();
    private final ViewCache channelViews = new ViewCache();
    /** Elementwise ops with NumPy broadcasting of a per-channel vector viewed as [1, C, 1, 1]. */
    private final NativeOp multiply = NativeOp.of("multiply");
    private final NativeOp subtract = NativeOp.of("subtract");
    private final NativeOp add = NativeOp.of("add");
    private INDArray a;
    private INDArray b;
    private INDArray scale;
    private INDArray shift;
    private INDArray sumG;
    private INDArray sumGx;
    private double[] hostMean;
    private double[] hostVar;
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
    }

    @Override
    boolean readsWeightsWithoutInputGradient() {
        return true;
    }

    @Override
    State newState() {
        return new BnState();
    }

    private void scratch(INDArray like) {
        a = Buffers.ensure(a, like.dataType(), like.shape());
        b = Buffers.ensure(b, like.dataType(), like.shape());
        scale = Buffers.ensure(scale, like.dataType(), channels);
        shift = Buffers.ensure(shift, like.dataType(), channels);
        sumG = Buffers.ensure(sumG, like.dataType(), channels);
        sumGx = Buffers.ensure(sumGx, like.dataType(), channels);
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State state, INDArray out) {
        BnState s = (BnState) state;
        s.x = x;
        s.mean = Buffers.ensure(s.mean, x.dataType(), channels);
        s.var = Buffers.ensure(s.var, x.dataType(), channels);
        scratch(x);
        double m = x.length() / channels;
        // μ = Σx/m; σ² = Σ(x − μ)²/m (two passes, as DL4J's variance)
        sums.sum(x, s.mean);
        HostMath.scale(1.0 / m, s.mean);
        subtract.run(x, perChannel(s.mean), a);
        multiply.run(a, a, b);
        sums.sum(b, s.var);
        HostMath.scale(1.0 / m, s.var);
        // y = (x − μ)·γ/√(σ² + ε) + β
        double[] var = hostVar = HostMath.read(s.var, hostVar);
        double[] g = hostC = HostMath.read(w[gamma], hostC);
        for (int c = 0; c < g.length; c++) {
            g[c] /= Math.sqrt(var[c] + EPS);
        }
        HostMath.set(g, scale);
        multiply.run(a, perChannel(scale), b);
        add.run(b, perChannel(w[beta]), out);
        return out;
    }

    @Override
    INDArray infer(INDArray x, INDArray[] w, State s, INDArray out) {
        scratch(x);
        // y = x·k + (β − μ_run·k), k = γ/√(σ²_run + ε)
        double[] mean = hostMean = HostMath.read(w[runningMean], hostMean);
        double[] logStd = hostVar = HostMath.read(w[runningLogStd], hostVar);
        double[] g = hostC = HostMath.read(w[gamma], hostC);
        double[] bt = hostD = HostMath.read(w[beta], hostD);
        for (int c = 0; c < g.length; c++) {
            g[c] /= Math.sqrt(variance(logStd[c]) + EPS);
            bt[c] -= mean[c] * g[c];
        }
        HostMath.set(g, scale);
        HostMath.set(bt, shift);
        multiply.run(x, perChannel(scale), a);
        add.run(a, perChannel(shift), out);
        return out;
    }

    /** {@code (10^logStd)²}. */
    private static double variance(double logStd) {
        return Math.exp(logStd * LN10_TIMES_2);
    }

    /** A per-channel vector as [1, C, 1, 1] (or [1, C]), for broadcasting against the activations. */
    private INDArray perChannel(INDArray v) {
        return channelViews.of(v, channelShape);
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State state, INDArray gradIn) {
        BnState s = (BnState) state;
        scratch(g);
        int n = (int) channels;
        double m = g.length() / channels;
        double[] mean = hostMean = HostMath.read(s.mean, hostMean);
        double[] var = hostVar = HostMath.read(s.var, hostVar);
        double[] c = hostC = hostC == null || hostC.length != n ? new double[n] : hostC;

        // b = x̂ = (x − μ)/σ
        for (int i = 0; i < n; i++) {
            c[i] = 1.0 / Math.sqrt(var[i] + EPS);
        }
        HostMath.set(c, scale);
        subtract.run(s.x, perChannel(s.mean), a);
        multiply.run(a, perChannel(scale), b);
        sums.sum(g, sumG);
        multiply.run(g, b, a);
        sums.sum(a, sumGx);

        if (gradIn != null) {
            // ∂x = γ/σ · (g − Σg/m − x̂·Σ(g·x̂)/m)
            double[] sg = hostD = HostMath.read(sumG, hostD);
            double[] sgx = hostE = HostMath.read(sumGx, hostE);
            double[] k = hostF = HostMath.read(w[gamma], hostF);
            for (int i = 0; i < n; i++) {
                sgx[i] /= m;
                sg[i] /= m;
                k[i] *= c[i];
            }
            HostMath.set(sgx, scale);
            multiply.run(b, perChannel(scale), a);
            subtract.run(g, a, b);
            HostMath.set(sg, shift);
            subtract.run(b, perChannel(shift), a);
            HostMath.set(k, scale);
            multiply.run(a, perChannel(scale), gradIn);
        }
        HostMath.write(sumGx, gw[gamma], accumulate);
        HostMath.write(sumG, gw[beta], accumulate);

        // running mean: (1 − d)(μ_run − μ_batch)
        double[] run = hostD = HostMath.read(w[runningMean], hostD);
        for (int i = 0; i < n; i++) {
            c[i] = (1 - DECAY) * (run[i] - mean[i]);
        }
        HostMath.set(c, shift);
        HostMath.write(shift, gw[runningMean], accumulate);
        // running log10 std: ½·log10(σ²_run / (d·σ²_run + (1 − d)·σ²_batch))
        double[] logStd = hostE = HostMath.read(w[runningLogStd], hostE);
        for (int i = 0; i < n; i++) {
            double before = variance(logStd[i]);
            c[i] = Math.log(before / (DECAY * before + (1 - DECAY) * var[i])) / LN10_TIMES_2;
        }
        HostMath.set(c, shift);
        HostMath.write(shift, gw[runningLogStd], accumulate);
    }
}
