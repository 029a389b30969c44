package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max or average pooling, no padding (DL4J's Truncate mode), through libnd4j's pooling ops and their backprop ops. */
final class PoolBlock extends NativeBlock {

    private final NativeOp forward;
    private final NativeOp backward;
    private INDArray gradInScratch;

    PoolBlock(Block.Pool p, Shape in) {
        super(in, p.outputShape(in));
        // kH, kW, sH, sW, pH, pW, dH, dW, padding mode (0 = valid), extra (avg: 0 = divide by the window), NHWC = 0
        long[] args = {p.kernel(), p.kernel(), p.stride(), p.stride(), 0, 0, 1, 1, 0, 0, 0};
        String name = p.type() == Block.Pool.PoolType.MAX ? "maxpool2d" : "avgpool2d";
        this.forward = NativeOp.of(name, args).withoutHelpers();
        this.backward = NativeOp.of(name + "_bp", args).withoutHelpers();
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State s, INDArray out) {
        s.x = x;
        forward.run(x, out);
        return out;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn) {
        if (gradIn == null) {
            return; // no parameters: only the input gradient, which nobody needs
        }
        backward.run(s.x, g, gradIn);
    }
}
