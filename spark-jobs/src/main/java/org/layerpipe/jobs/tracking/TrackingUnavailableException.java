package org.layerpipe.jobs.tracking;

/**
 * The tracking server could not be reached, or kept answering "try later" (429, 5xx), for the
 * whole retry budget. The call may be repeated later; {@link JournalingTracker} does that.
 */
public class TrackingUnavailableException extends TrackingException {

    public TrackingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
