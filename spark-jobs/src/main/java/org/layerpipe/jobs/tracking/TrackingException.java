package org.layerpipe.jobs.tracking;

/** A tracking call failed; the message says which call, where, and why. */
public class TrackingException extends RuntimeException {

    public TrackingException(String message) {
        super(message);
    }

    public TrackingException(String message, Throwable cause) {
        super(message, cause);
    }
}
