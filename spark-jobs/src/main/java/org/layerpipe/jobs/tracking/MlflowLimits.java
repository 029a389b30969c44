package org.layerpipe.jobs.tracking;

import java.util.Locale;

/**
 * The value lengths MLflow's server enforces ({@code mlflow/utils/validation.py}, 3.17): a longer
 * value is refused with {@code INVALID_PARAMETER_VALUE}, failing the whole batch. Trackers cut
 * tag and param values to these limits, ending them with a marker that says so; long texts
 * belong in artifacts, and callers that log one there name it in the marker.
 */
public final class MlflowLimits {

    /** {@code MAX_TAG_VAL_LENGTH}. */
    public static final int TAG_VALUE = 8000;
    /** {@code MAX_PARAM_VAL_LENGTH}. */
    public static final int PARAM_VALUE = 6000;
    /** {@code MAX_EXPERIMENT_TAG_VAL_LENGTH}. */
    public static final int EXPERIMENT_TAG_VALUE = 20000;

    private MlflowLimits() {
    }

    /** {@code value} itself when it fits in {@code limit} characters, else its start and the marker "… [cut: …]". */
    public static String cut(String value, int limit) {
        return cut(value, limit, null);
    }

    /**
     * Like {@link #cut(String, int)}; the marker names {@code artifact}, where the caller keeps
     * the full text (null for none).
     */
    public static String cut(String value, int limit, String artifact) {
        // Java counts UTF-16 units, Python (the server) code points: a value that fits here fits there.
        if (value == null || value.length() <= limit) {
            return value;
        }
        // The marker with the limit's digits is at least as long as with the shown count's.
        int keep = Math.max(0, limit - marker(limit, value.length(), artifact).length());
        if (keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        return value.substring(0, keep) + marker(keep, value.length(), artifact);
    }

    private static String marker(int shown, int total, String artifact) {
        return String.format(Locale.ROOT, "\n… [cut: %d of %d characters shown%s]", shown, total,
                artifact == null ? "" : "; the full text is the artifact " + artifact);
    }
}
