package org.layerpipe.core.train;

/** How a trial ended. */
public enum TrialStatus {
    /** Trained every epoch. */
    FINISHED,
    /** The loss became NaN or infinite. */
    DIVERGED,
    /** An error stopped it (bad data, a failing stage, ...). */
    FAILED
}
