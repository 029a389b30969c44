package org.layerpipe.jobs.tracking;

/** A param was logged again with a different value; MLflow params never change. */
public class ParamConflictException extends TrackingException {

    public ParamConflictException(String runId, String key, String oldValue, String newValue) {
        super("param '" + key + "' of run " + runId + " is already '" + oldValue
                + "' and cannot be changed to '" + newValue + "': MLflow params are immutable."
                + " Log values that change as metrics or tags, or start a new run.");
    }

    /** For when the server reports a conflict but the run could not be read back to name it. */
    public ParamConflictException(String message) {
        super(message);
    }
}
