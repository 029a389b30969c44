package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Image to flat vector in 'c' order — exactly DL4J's {@code CnnToFeedForwardPreProcessor} —
 * as a view of the input: no copy forward, one copy of the gradient backward.
 */
final class FlattenBlock extends NativeBlock {

    FlattenBlock(Shape in) {
        super(in, new Block.Flatten().outputShape(in));
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State s, INDArray out) {
        return x.reshape('c', x.size(0), output.size());
    }

    @Override
    boolean outputIsView() {
        return true;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn) {
        if (gradIn != null) {
            gradIn.assign(g.reshape('c', gradIn.shape()));
        }
    }
}
