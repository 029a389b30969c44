package org.layerpipe.core.train;

/**
 * The training backend cannot start on this machine, e.g. the CUDA build where no NVIDIA driver is
 * installed. The message is one sentence saying why and what to use instead, meant to be shown
 * as is.
 */
public final class BackendUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
