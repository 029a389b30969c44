package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One block on native ND4J operations, written as an explicit pair — like an autograd
 * function: {@link #forward} computes the output and keeps in a {@link State} exactly what
 * the backward needs (its input, batch statistics, pre-activations); {@link #backward} takes
 * the output gradient, that state and the weights to use, and produces the input gradient and
 * the parameter gradients. Nothing hides in the block object between the two, so any number
 * of minibatches can be in flight, each with its own state.
 *
 * <p>Weights and gradients arrive as views into flat vectors ({@link ParamLayout}); outputs and
 * gradients are written into arrays the caller passes, and the block's own scratch arrays are
 * reused across calls, so a steady-state step allocates no device memory. An output stays
 * valid until the block's backward: the stage keeps it in the minibatch's slot, or hands it to
 * the next stage and takes it back only after its own backward of that minibatch.
 */
abstract class NativeBlock {

    /** What one minibatch's backward needs from its forward. Subclasses add their tensors. */
    static class State {
        /** The block's input (a buffer owned by whoever produced it, kept alive until this backward). */
        INDArray x;
        /** The block's output: alive until this backward too (see the class comment). */
        INDArray y;

        /** Bytes of the tensors this state holds besides the input and the output. */
        long savedBytes() {
            return 0;
        }
    }

    final Shape input;
    final Shape output;
    /** Set by the stage that registered the block's parameters, if it has any. */
    boolean hasParameters;

    NativeBlock(Shape input, Shape output) {
        this.input = input;
        this.output = output;
    }

    /** A fresh per-minibatch state; states are recycled, so their buffers are too. */
    State newState() {
        return new State();
    }

    /**
     * Training-mode forward of input {@code x} (its first dimension is the batch).
     *
     * @param out where to write the output (shape {@code [n, output…]}); ignored by blocks whose output is a view of their input
     * @return the output: {@code out}, or a view of {@code x}
     */
    abstract INDArray forward(INDArray x, INDArray[] w, State s, INDArray out);

    /**
     * Backward of the forward recorded in {@code s}.
     *
     * @param g          gradient of the loss with respect to the output
     * @param w          the weights to differentiate at (their views, indexed like the layout)
     * @param gw         the parameter-gradient views to write (sums over the minibatch)
     * @param accumulate add to {@code gw} rather than overwrite it (another backward came since the last update)
     * @param gradIn     where to write the input gradient, or null when nobody needs it (the first block of the first stage)
     */
    abstract void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn);

    /** Inference-mode forward (batch norm uses its running statistics); {@code s} is scratch state. */
    INDArray infer(INDArray x, INDArray[] w, State s, INDArray out) {
        return forward(x, w, s, out);
    }

    /**
     * Whether the backward reads the weights even when no input gradient is asked for (batch norm:
     * its running statistics; composite blocks). Dense and convolution blocks then need only their
     * input and the output gradient.
     */
    boolean readsWeightsWithoutInputGradient() {
        return false;
    }

    /** Whether the output is a view of the input (then no output buffer is needed). */
    boolean outputIsView() {
        return false;
    }

}
