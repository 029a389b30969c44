package org.layerpipe.core.execution;

/** A stage failed while running the pipeline: names the stage, the operation and the minibatch. */
public final class PipelineException extends RuntimeException {

    private final int stage;
    private final int minibatch;

    public PipelineException(int stage, String op, int minibatch, Throwable cause) {
        super("stage " + stage + " failed at " + op + " of minibatch " + minibatch + ": "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        this.stage = stage;
        this.minibatch = minibatch;
    }

    public int stage() {
        return stage;
    }

    public int minibatch() {
        return minibatch;
    }
}
