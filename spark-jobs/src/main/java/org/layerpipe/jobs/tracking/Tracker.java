package org.layerpipe.jobs.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where runs, their parameters, metrics, tags and artifacts are recorded (MLflow's model).
 *
 * <p>Implementations are thread-safe. Failures are unchecked {@link TrackingException}s; a
 * {@link TrackingUnavailableException} means the backend could not be reached at all.
 */
public interface Tracker extends AutoCloseable {

    /** MLflow's tag naming the parent run of a nested (child) run. */
    String PARENT_RUN_ID_TAG = "mlflow.parentRunId";
    /** MLflow's tag holding the run's display name. */
    String RUN_NAME_TAG = "mlflow.runName";

    /** Id of the experiment called {@code name}, created if it does not exist yet. */
    String experimentId(String name);

    /** Id of the experiment called {@code name}, or empty when there is none (nothing is created). */
    Optional<String> findExperiment(String name);

    /** Sets a tag of an experiment (e.g. {@code mlflow.experimentKind}); the value is cut to MLflow's limit. */
    void setExperimentTag(String experimentId, String key, String value);

    /**
     * Starts a RUNNING run and returns its id. Sets {@value #RUN_NAME_TAG} and, when
     * {@code parentRunId} is not null, {@value #PARENT_RUN_ID_TAG} (the run is then a child run).
     */
    String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId);

    /**
     * Logs parameters. Params are immutable: logging a key again with the same value does
     * nothing, with a different value throws {@link ParamConflictException}.
     */
    void logParams(String runId, Map<String, String> params);

    /** Logs metric values; logging the same key, value, timestamp and step twice is harmless. */
    void logMetrics(String runId, List<Metric> metrics);

    /**
     * Sets tags, replacing the values of keys that exist. Values longer than MLflow's limit are
     * cut with a marker ({@link MlflowLimits#cut}); params likewise.
     */
    void setTags(String runId, Map<String, String> tags);

    /**
     * Records the data sets the run used (MLflow's dataset inputs). Logging the same data set
     * (name and digest) and context again is harmless.
     */
    void logInputs(String runId, List<DatasetInput> inputs);

    /** Stores {@code content} as the artifact at {@code path} (relative, '/'-separated) of the run. */
    void logArtifact(String runId, String path, byte[] content);

    /** Ends the run with a terminal status (FINISHED, FAILED or KILLED). */
    void finishRun(String runId, RunStatus status);

    /**
     * Every active run of the experiment matching {@code filter} (MLflow search syntax, e.g.
     * {@code tags.trial_hash = 'ab12'}; null or blank for all).
     */
    List<RunInfo> searchRuns(String experimentId, String filter);

    /** The run, or empty when no run has that id. */
    Optional<RunInfo> getRun(String runId);

    /** Every logged value of one metric of a run, ordered by step then timestamp. */
    List<Metric> metricHistory(String runId, String key);

    /**
     * Ends a run with {@code endTimeMillis} as its end time (a journaled end keeps the time the run
     * really ended); trackers without end times just end it.
     */
    default void finishRun(String runId, RunStatus status, long endTimeMillis) {
        finishRun(runId, status);
    }

    /** Whether the tracking server answers now; a tracker without a server always does. */
    default boolean ping() {
        return true;
    }

    /**
     * Deletes a run (MLflow's soft delete: hidden from the UI and from searches). Used when a
     * trial's earlier attempt left a partial run that a fresh attempt replaces.
     */
    void deleteRun(String runId);

    /** Releases resources; unchecked, so callers need no catch of {@code Exception}. */
    @Override
    void close();
}
