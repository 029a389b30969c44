package org.layerpipe.jobs.tracking;

import java.util.Map;

/**
 * A run as read back: its params, tags and the latest value of each metric (the value with
 * the highest step, then the highest timestamp). Maps are immutable copies.
 */
public record RunInfo(
        String runId,
        String name,
        RunStatus status,
        Map<String, String> params,
        Map<String, String> tags,
        Map<String, Double> latestMetrics) {

    public RunInfo {
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("runId must be non-empty");
        }
        if (status == null) {
            throw new IllegalArgumentException("status of run " + runId + " must not be null");
        }
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
        latestMetrics = Map.copyOf(latestMetrics);
    }

    /** The parent run's id, or null for a top-level run. */
    public String parentRunId() {
        return tags.get(Tracker.PARENT_RUN_ID_TAG);
    }
}
