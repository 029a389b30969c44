package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-D convolution, NCHW, weights [oC, iC, k, k] as DL4J keeps them (bias first in the
 * parameter vector, when there is one), through libnd4j's {@code conv2d} / {@code conv2d_bp}
 * (oneDNN's kernels on the oneDNN build). Explicit zero padding, as DL4J's Truncate mode.
 *
 * <p>When nobody needs the input gradient (the network's first block) and the input has few
 * channels, the weight gradient is computed alone, as {@code im2col} and one batched matrix
 * product: {@code conv2d_bp} always computes the input gradient too, and oneDNN's kernels for one
 * or three input channels are slow — measured here (batch 64, 1→16 channels, 28×28) 6.5 ms
 * against 3.8 ms in float and 46 ms against 3.9 ms in double; ResNet-18's stem (batch 128, 3→64,
 * 32×32) 53 ms against 33 ms. At 16 input channels {@code conv2d_bp} is the faster again.
 */
final class ConvBlock extends ActivatedBlock {

    private final int bias;
    private final int weights;
    private final NativeOp forward;
    private final NativeOp backward;
    private final boolean fewInputChannels;
    private final NativeOp im2col;
    /** Per example: [oC, oH·oW]·[iC·k·k, oH·oW]ᵀ → [oC, iC·k·k]. */
    private final NativeOp perExampleWeightGrad = new NativeOp("matmul", new long[] {0, 1, 0}, 1.0, 0.0);
    /** Σ over examples as {@code 1ᵀ·[N, oC·iC·k·k]}, written or added. */
    private final NativeOp sumOverBatch = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 0.0);
    private final NativeOp sumOverBatchAdd = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 1.0);
    private final ChannelSums channelSums = new ChannelSums();
    private INDArray columns;
    private INDArray perExample;
    private INDArray ones;
    private final ViewCache gradRows = new ViewCache();
    private final ViewCache columnRows = new ViewCache();
    private final ViewCache exampleRows = new ViewCache();
    private final ViewCache weightRow = new ViewCache();
    private INDArray gradInScratch;
    private INDArray weightScratch;
    private INDArray biasScratch;

    ConvBlock(Block.Conv2d c, Shape in, ParamLayout layout) {
        super(in, c.outputShape(in), c.activation());
        int channels = ((Shape.Image) in).channels();
        this.bias = c.bias() ? layout.add(c.filters()) : -1;
        this.weights = layout.add(c.filters(), channels, c.kernel(), c.kernel());
        long[] args = {c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(), 1, 1, 0, 0, 1};
        this.forward = NativeOp.of("conv2d", args);
        this.backward = NativeOp.of("conv2d_bp", args);
        this.fewInputChannels = channels <= MAX_CHANNELS_WEIGHT_ONLY;
        this.im2col = NativeOp.of("im2col", c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(), 1, 1, 0);
    }

    /** Up to this many input channels the weight-only backward is used when no input gradient is needed (see the class comment). */
    static final int MAX_CHANNELS_WEIGHT_ONLY = 4;

    @Override
    void linear(INDArray x, INDArray[] w, INDArray z) {
        if (bias >= 0) {
            forward.run(new INDArray[] {x, w[weights], w[bias]}, z);
        } else {
            forward.run(x, w[weights], z);
        }
    }

    @Override
    void linearBackward(INDArray gz, INDArray x, INDArray[] w, INDArray[] gw, boolean accumulate, INDArray gradIn) {
        INDArray gi = gradIn;
        if (gi == null && fewInputChannels) {
            weightGradientOnly(gz, gw, accumulate, x);
            return;
        }
        if (gi == null) {
            // the op always computes the input gradient: give it somewhere to go
            gradInScratch = Buffers.ensure(gradInScratch, gz.dataType(), x.shape());
            gi = gradInScratch;
        }
        INDArray gW = gw[weights];
        if (accumulate) {
            weightScratch = Buffers.ensure(weightScratch, gz.dataType(), gW.shape());
            gW = weightScratch;
        }
        if (bias >= 0) {
            INDArray gB = gw[bias];
            if (accumulate) {
                biasScratch = Buffers.ensure(biasScratch, gz.dataType(), gB.shape());
                gB = biasScratch;
            }
            backward.run(new INDArray[] {x, w[weights], w[bias], gz}, gi, gW, gB);
            if (accumulate) {
                HostMath.axpy(1.0, gB, gw[bias]);
            }
        } else {
            backward.run(new INDArray[] {x, w[weights], gz}, gi, gW);
        }
        if (accumulate) {
            HostMath.axpy(1.0, gW, gw[weights]);
        }
    }

    /** {@code ∂W[o, c·k·k] = Σ_n Σ_p g[n, o, p]·cols[n, c·k·k, p]}, and the bias gradient as per-channel sums of {@code g}. */
    private void weightGradientOnly(INDArray gz, INDArray[] gw, boolean accumulate, INDArray x) {
        long n = x.size(0);
        long[] outDims = gz.shape();
        long spatial = outDims[2] * outDims[3];
        INDArray gW = gw[weights];
        long[] wDims = gW.shape(); // [oC, iC, k, k]
        long patch = wDims[1] * wDims[2] * wDims[3];
        columns = Buffers.ensure(columns, x.dataType(), n, wDims[1], wDims[2], wDims[3], outDims[2], outDims[3]);
        perExample = Buffers.ensure(perExample, x.dataType(), n, wDims[0], patch);
        if (ones == null || ones.size(1) != n || ones.dataType() != x.dataType()) {
            ones = Nd4j.ones(x.dataType(), 1, n);
        }
        im2col.run(x, columns);
        perExampleWeightGrad.run(gradRows.of(gz, n, wDims[0], spatial), columnRows.of(columns, n, patch, spatial), perExample);
        (accumulate ? sumOverBatchAdd : sumOverBatch).run(ones, exampleRows.of(perExample, n, wDims[0] * patch), weightRow.of(gW, 1, gW.length()));
        if (bias >= 0) {
            INDArray gB = gw[bias];
            if (accumulate) {
                biasScratch = Buffers.ensure(biasScratch, gz.dataType(), gB.shape());
                channelSums.sum(gz, biasScratch);
                HostMath.axpy(1.0, biasScratch, gB);
            } else {
                channelSums.sum(gz, gB);
            }
        }
    }
}
