package org.layerpipe.jobs.tracking;

/** Life-cycle state of a run, as MLflow names it. */
public enum RunStatus {
    RUNNING,
    SCHEDULED,
    FINISHED,
    FAILED,
    KILLED;

    /** True for the states a run ends in (the ones {@link Tracker#finishRun} accepts). */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED || this == KILLED;
    }

    static RunStatus requireTerminal(RunStatus status) {
        if (status == null || !status.isTerminal()) {
            throw new IllegalArgumentException("a run must finish as FINISHED, FAILED or KILLED, got " + status);
        }
        return status;
    }
}
