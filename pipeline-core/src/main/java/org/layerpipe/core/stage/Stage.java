package org.layerpipe.core.stage;

import org.layerpipe.core.weights.ReconstructionStats;

/**
 * One pipeline stage: a contiguous slice of blocks with its own weights, able to keep
 * several minibatches in flight between their forward and their backward.
 *
 * <p>Executors call {@link #forward}, later {@link #backward} for the same unit (exactly
 * once), and {@link #update} to apply the gradients accumulated since the last update to
 * the stage's <em>current</em> weights. Which weights a backward uses is the stage's
 * weight-history mode (LATEST, STASH, EMA). A stage is confined to one thread at a time.
 *
 * @param <T> the activation type (device arrays for real stages)
 */
public interface Stage<T> extends AutoCloseable {

    /** 0-based position in the pipeline. */
    int index();

    /** Whether this stage ends with the loss (its forward needs labels, its backward no gradient). */
    boolean isLast();

    /** Number of updates applied so far: the version of the current weights. */
    long version();

    /**
     * Forward of {@code unit}. {@code labels} are given to the last stage only.
     *
     * @return the stage's output activation, or {@code null} from the last stage
     */
    T forward(int unit, T input, T labels);

    /**
     * Backward of {@code unit}, whose forward ran earlier; accumulates parameter gradients.
     *
     * @param gradOutput gradient of the loss with respect to this stage's output ({@code null} at the last stage)
     */
    BackwardResult<T> backward(int unit, T gradOutput);

    /**
     * The weight-gradient pass of {@code unit} under a schedule that splits backwards (ZB-H1), after
     * its {@link #backward}. A stage may compute both gradients in the backward and do nothing here:
     * the update comes only after every weight pass of the minibatch, so the result is the same.
     */
    default void weightPass(int unit) {
    }

    /** Applies the accumulated gradients to the current weights at learning rate {@code learningRate}; version + 1. */
    void update(double learningRate);

    /** Bytes of weight history held now (stash copies or moving averages). */
    long historyBytes();

    /** Bytes of per-minibatch activations kept for minibatches in flight. */
    long activationBytes();

    /** Number of minibatches whose forward ran and whose backward has not. */
    int inFlight();

    /** Reconstruction error since the last call, when the history is shadowed; its segments are the stage's blocks with weights, in order. */
    ReconstructionStats drainReconstructionStats();

    @Override
    void close();
}
