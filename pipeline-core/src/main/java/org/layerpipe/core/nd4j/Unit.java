package org.layerpipe.core.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A piece of a stage that Deeplearning4j runs as one call: a run of plain layers, a flatten,
 * or a residual block. Like DL4J layers, a unit remembers only its <em>last</em> forward, so
 * the stage recomputes the forward before a backward whenever another forward came between.
 */
interface Unit {

    /** Training-mode forward; keeps what the next {@link #backward} needs. */
    INDArray forward(INDArray input);

    /**
     * Backward through the last forward. Parameter gradients (summed over the examples, as
     * DL4J computes them) are left in {@link #gradients()}.
     *
     * @return the gradient with respect to the unit's input
     */
    INDArray backward(INDArray gradOutput);

    /**
     * What the unit needs besides its weights to run the backward of its last forward (its
     * layers' inputs), or {@code null} when that is not enough (batch norm keeps batch
     * statistics of its own: such units recompute their forward instead).
     */
    Object snapshot();

    /** Makes the next {@link #backward} use the forward captured by {@link #snapshot()}. */
    void restore(Object snapshot);

    /** Inference-mode forward (batch norm uses running statistics); invalidates the kept state. */
    INDArray infer(INDArray input);

    /** Number of parameters; the unit's parameters are a view into its stage's flat vector. */
    long numParams();

    /** Adds the parameter gradients of the last backward to {@code accumulator} (flat, in parameter order). */
    void addGradientsTo(INDArray accumulator);

    /** Per parameter: 1 if trained by gradient descent, 0 if DL4J applies its "gradient" as the update itself (batch-norm running statistics). */
    INDArray trainableMask();
}
