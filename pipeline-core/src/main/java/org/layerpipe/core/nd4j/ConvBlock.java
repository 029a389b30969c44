package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D convolution, NCHW, weights [oC, iC, k, k] as DL4J keeps them (bias first in the
 * parameter vector, when there is one), through libnd4j's {@code conv2d} / {@code conv2d_bp}
 * (oneDNN's kernels on the oneDNN build). Explicit zero padding, as DL4J's Truncate mode.
 */
final class ConvBlock extends NativeBlock {

    private static final class ConvState extends State {
        INDArray pre;

        @Override
        long savedBytes() {
            return Buffers.bytes(pre);
        }
    }

    private final int bias;
    private final int weights;
    private final ActivationOps activation;
    private final NativeOp forward;
    private final NativeOp backward;
    private INDArray gradPre;
    private INDArray gradInScratch;
    private INDArray weightScratch;
    private INDArray biasScratch;

    ConvBlock(Block.Conv2d c, Shape in, ParamLayout layout) {
        super(in, c.outputShape(in));
        int channels = ((Shape.Image) in).channels();
        this.bias = c.bias() ? layout.add(c.filters()) : -1;
        this.weights = layout.add(c.filters(), channels, c.kernel(), c.kernel());
        this.activation = new ActivationOps(c.activation());
        long[] args = {c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(), 1, 1, 0, 0, 1};
        this.forward = NativeOp.of("conv2d", args);
        this.backward = NativeOp.of("conv2d_bp", args);
    }

    @Override
    State newState() {
        return new ConvState();
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State state, INDArray out) {
        ConvState s = (ConvState) state;
        s.x = x;
        s.y = out;
        INDArray z = out;
        if (activation.needsInput()) {
            s.pre = Buffers.ensure(s.pre, x.dataType(), out.shape());
            z = s.pre;
        }
        if (bias >= 0) {
            forward.run(new INDArray[] {x, w[weights], w[bias]}, z);
        } else {
            forward.run(x, w[weights], z);
        }
        if (!activation.isIdentity()) {
            activation.forward(z, out);
        }
        return out;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State state, INDArray gradIn) {
        ConvState s = (ConvState) state;
        INDArray gz = g;
        if (!activation.isIdentity()) {
            gradPre = Buffers.ensure(gradPre, g.dataType(), g.shape());
            activation.backward(s.pre, s.y, g, gradPre);
            gz = gradPre;
        }
        INDArray gi = gradIn;
        if (gi == null) {
            // the op always computes the input gradient: give it somewhere to go
            gradInScratch = Buffers.ensure(gradInScratch, g.dataType(), s.x.shape());
            gi = gradInScratch;
        }
        INDArray gW = gw[weights];
        if (accumulate) {
            weightScratch = Buffers.ensure(weightScratch, g.dataType(), gW.shape());
            gW = weightScratch;
        }
        if (bias >= 0) {
            INDArray gB = gw[bias];
            if (accumulate) {
                biasScratch = Buffers.ensure(biasScratch, g.dataType(), gB.shape());
                gB = biasScratch;
            }
            backward.run(new INDArray[] {s.x, w[weights], w[bias], gz}, gi, gW, gB);
            if (accumulate) {
                HostMath.axpy(1.0, gB, gw[bias]);
            }
        } else {
            backward.run(new INDArray[] {s.x, w[weights], gz}, gi, gW);
        }
        if (accumulate) {
            HostMath.axpy(1.0, gW, gw[weights]);
        }
    }
}
