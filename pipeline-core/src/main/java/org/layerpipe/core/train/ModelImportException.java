package org.layerpipe.core.train;

/**
 * A network file that cannot be pipelined: missing, unreadable, of another kind, or using a
 * layer or setting the blocks do not cover. The message is one sentence naming the file or the
 * layer. An {@link IllegalArgumentException}, so that the callers that validate settings
 * (sweep expansion, {@code train} flags) report it like any other bad value.
 */
public final class ModelImportException extends IllegalArgumentException {

    public ModelImportException(String message) {
        super(message);
    }

    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
