package org.layerpipe.jobs.tracking;

/**
 * The MLflow server answered a request with an error that retrying will not fix (4xx), e.g.
 * {@code RESOURCE_DOES_NOT_EXIST} or {@code INVALID_PARAMETER_VALUE}.
 */
public class MlflowApiException extends TrackingException {

    private final int httpStatus;
    private final String errorCode;

    public MlflowApiException(String message, int httpStatus, String errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** MLflow's error code, e.g. {@code RESOURCE_DOES_NOT_EXIST}; empty when the body had none. */
    public String errorCode() {
        return errorCode;
    }
}
