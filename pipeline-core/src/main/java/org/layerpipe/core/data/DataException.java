package org.layerpipe.core.data;

/**
 * A data set that cannot be found or read, or a file that is not in the expected format.
 * The message is one sentence naming the file (or setting) and what is wrong, so it can be
 * shown to a user as is.
 */
public final class DataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
