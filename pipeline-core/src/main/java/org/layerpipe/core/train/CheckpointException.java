package org.layerpipe.core.train;

/** A checkpoint that cannot be written, or is refused on reading (corrupt, truncated, of another trial): one sentence naming its path. */
public final class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
