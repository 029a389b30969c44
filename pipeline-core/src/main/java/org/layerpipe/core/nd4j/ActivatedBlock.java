package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A linear map followed by an activation, {@code y = f(z)} with {@code z} the map of the input:
 * dense and convolution layers. The activation runs in place on the output unless it is
 * differentiated at its input (tanh, sigmoid), for which {@code z} is kept in the state.
 */
abstract class ActivatedBlock extends NativeBlock {

    /** The state: besides input and output, the pre-activation when the activation needs it. */
    static final class ActivatedState extends State {
        /** Pre-activation, kept only for an activation differentiated at its input (tanh, sigmoid). */
        INDArray pre;

        @Override
        long savedBytes() {
            return Buffers.bytes(pre);
        }
    }

    private final ActivationOps activation;
    private INDArray gradPre;

    ActivatedBlock(Shape input, Shape output, Activation activation) {
        super(input, output);
        this.activation = new ActivationOps(activation);
    }

    /** {@code z ← } the linear map of {@code x}. */
    abstract void linear(INDArray x, INDArray[] w, INDArray z);

    /**
     * The linear map's backward from {@code gz}, the gradient at {@code z}: parameter gradients
     * into {@code gw} (added when {@code accumulate}), the input gradient into {@code gradIn} unless it is null.
     */
    abstract void linearBackward(INDArray gz, INDArray x, INDArray[] w, INDArray[] gw, boolean accumulate, INDArray gradIn);

    @Override
    final State newState() {
        return new ActivatedState();
    }

    @Override
    final INDArray forward(INDArray x, INDArray[] w, State state, INDArray out) {
        ActivatedState s = (ActivatedState) state;
        s.x = x;
        s.y = out;
        INDArray z = out;
        if (activation.needsInput()) {
            s.pre = Buffers.ensure(s.pre, x.dataType(), out.shape());
            z = s.pre;
        }
        linear(x, w, z);
        if (!activation.isIdentity()) {
            activation.forward(z, out);
        }
        return out;
    }

    @Override
    final void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State state, INDArray gradIn) {
        ActivatedState s = (ActivatedState) state;
        INDArray gz = g;
        if (!activation.isIdentity()) {
            gradPre = Buffers.ensure(gradPre, g.dataType(), g.shape());
            activation.backward(s.pre, s.y, g, gradPre);
            gz = gradPre;
        }
        linearBackward(gz, s.x, w, gw, accumulate, gradIn);
    }
}
