package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A parameter-free nonlinearity; its backward differentiates at the saved input. */
final class ActivationBlock extends NativeBlock {

    private final ActivationOps activation;

    ActivationBlock(Block.Act a, Shape in) {
        super(in, in);
        this.activation = new ActivationOps(a.activation());
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State s, INDArray out) {
        s.x = x;
        s.y = out;
        activation.forward(x, out);
        return out;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn) {
        if (gradIn != null) {
            activation.backward(s.x, s.y, g, gradIn);
        }
    }
}
