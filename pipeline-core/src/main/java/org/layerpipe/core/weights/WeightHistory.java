package org.layerpipe.core.weights;

/**
 * What a stage remembers about past weight versions so that the backward of a stale
 * minibatch can use the weights its forward used (DESIGN §2, "Which weights the backward
 * uses"). One history per stage, over the stage's flat parameter vector.
 *
 * <p>Call protocol, driven by the stage: {@link #onForward} before each forward;
 * {@link #beforeUpdate} and {@link #afterUpdate} around each update; exactly one
 * {@link #weightsForBackward} per forward, which also releases what was kept for it.
 * Versions count the updates applied to the stage.
 */
public interface WeightHistory<V> {

    /** A forward is about to run on {@code current}, the weights at {@code version}. Nothing to do unless the history keeps copies. */
    default void onForward(long version, V current) {
    }

    /** {@code current} (at {@code version}) is about to be changed by an update. Nothing to do unless the history keeps copies. */
    default void beforeUpdate(long version, V current) {
    }

    /**
     * The update {@code applied = W_new − W_old} moved the weights to {@code current}, now at
     * {@code version}; {@code applied} is null unless {@link #needsAppliedUpdate()}.
     */
    void afterUpdate(long version, V applied, V current);

    /**
     * Decides the weights for the backward of a minibatch whose forward ran at
     * {@code forwardVersion}, and releases what was kept for it.
     *
     * @param scratch a vector the history may write a reconstruction into (null unless {@link #usesScratch()})
     * @return the weights to use: {@code current} itself, {@code scratch}, or a copy the history
     *         keeps (valid until the next {@link #beforeUpdate}) — never a copy made just to return it
     */
    V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch);

    /**
     * Instead of {@link #weightsForBackward}: the backward of the forward at {@code forwardVersion}
     * reads no weights (its stage computes only weight gradients, which do not depend on them), so
     * nothing needs to be reconstructed; releases what was kept for it.
     */
    void skipWeightsForBackward(long forwardVersion);

    /** Whether {@link #weightsForBackward} writes into its scratch vector (then the stage keeps one). */
    default boolean usesScratch() {
        return false;
    }

    /** Whether the history measures its reconstructions (then every backward should ask for its weights, read or not). */
    default boolean measuresReconstruction() {
        return false;
    }

    /** Whether {@link #afterUpdate} reads the applied update (otherwise the stage may pass null and skip computing it). */
    default boolean needsAppliedUpdate() {
        return false;
    }

    /** Bytes of weight memory this history holds now (copies, averages), excluding the current weights. */
    long heldBytes();

    /** The most bytes it ever held. */
    long peakBytes();

    /**
     * What the history keeps for the next epoch, for a checkpoint; its vectors are the history's own
     * (copy them to keep them). Asked between epochs only.
     *
     * @throws IllegalStateException when a forward still awaits its backward (the pipeline has not drained)
     */
    HistoryState<V> state();

    /**
     * Puts this history, fresh from its constructor, into a {@link #state()} taken from a history of the same
     * kind and delay; the vectors are copied.
     *
     * @param like a vector of the stage's length and precision, to make buffers from
     * @throws IllegalArgumentException when the state was written by another kind of history or does not fit it
     */
    void restore(HistoryState<V> state, V like);

    /** Reconstruction error measured since the last call, for shadowed histories; {@link ReconstructionStats#NONE} otherwise. */
    default ReconstructionStats drainReconstructionStats() {
        return ReconstructionStats.NONE;
    }
}
