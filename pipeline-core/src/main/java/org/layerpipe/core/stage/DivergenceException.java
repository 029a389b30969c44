package org.layerpipe.core.stage;

/** The loss became NaN or infinite: the trial diverged. Ends the trial with a clear status, not a crash. */
public final class DivergenceException extends RuntimeException {

    public DivergenceException(String message) {
        super(message);
    }
}
