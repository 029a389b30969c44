package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An elementwise nonlinearity and its derivative on native ops, differentiated at its
 * <em>input</em> (the pre-activation), never its output. One instance per block: it owns its
 * op contexts.
 */
final class ActivationOps {

    private final Activation activation;
    private final NativeOp forward;
    private final NativeOp backward;

    ActivationOps(Activation activation) {
        this.activation = activation;
        switch (activation) {
            case RELU -> {
                forward = new NativeOp("relu", new long[0], 0.0);
                backward = new NativeOp("relu_bp", new long[0], 0.0);
            }
            case TANH -> {
                forward = null;
                backward = NativeOp.of("tanh_bp");
            }
            case SIGMOID -> {
                forward = null;
                backward = NativeOp.of("sigmoid_bp");
            }
            default -> {
                forward = null;
                backward = null;
            }
        }
    }

    boolean isIdentity() {
        return activation == Activation.IDENTITY;
    }

    /** {@code out ← f(pre)}. */
    void forward(INDArray pre, INDArray out) {
        switch (activation) {
            case RELU -> forward.run(pre, out);
            case TANH -> Nd4j.exec(new Tanh(pre, out));
            case SIGMOID -> Nd4j.exec(new Sigmoid(pre, out));
            default -> out.assign(pre);
        }
    }

    /** {@code gradPre ← f'(pre) ⊙ g}. */
    void backward(INDArray pre, INDArray g, INDArray gradPre) {
        if (backward == null) {
            gradPre.assign(g);
        } else {
            backward.run(pre, g, gradPre);
        }
    }
}
