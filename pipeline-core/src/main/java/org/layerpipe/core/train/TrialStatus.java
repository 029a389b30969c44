package org.layerpipe.core.train;

/** How a trial ended. */
public enum TrialStatus {
    /** Trained every epoch. */
    FINISHED,
    /** The loss became NaN or infinite. */
    DIVERGED,
    /** An error stopped it (bad data, a failing stage, ...). */
    FAILED,
    /**
     * Trained fewer epochs than configured, on purpose: a listener asked it to pause after an epoch
     * (successive halving's rung), with a checkpoint there to go on from; or, at the end of a sweep,
     * left stopped because it ranked too low at its rung.
     */
    STOPPED,
    /**
     * Simulated by the planner instead of trained ({@code plan: true}): its figures are predictions
     * (time per minibatch, bubble, memory per stage), it has no epochs and no accuracy.
     */
    PLANNED
}
