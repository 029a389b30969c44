package org.layerpipe.jobs.tracking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Tracker} that keeps everything in memory, with MLflow's rules: params are immutable
 * (same value again is a no-op, a different one a {@link ParamConflictException}), identical
 * metric values are stored once, unknown runs are errors. For unit tests of the jobs;
 * thread-safe. {@link #searchRuns} understands the filters {@link RunFilter} describes.
 */
public final class InMemoryTracker implements Tracker {

    private static final class Run {
        final String id;
        final String experimentId;
        final String name;
        RunStatus status = RunStatus.RUNNING;
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Set<Metric>> metrics = new LinkedHashMap<>();
        final Map<String, byte[]> artifacts = new LinkedHashMap<>();
        final Set<DatasetInput> inputs = new LinkedHashSet<>();

        Run(String id, String experimentId, String name) {
            this.id = id;
            this.experimentId = experimentId;
            this.name = name;
        }
    }

    private final Map<String, String> experiments = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> experimentTags = new HashMap<>();
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public synchronized String experimentId(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("experiment name must be non-empty");
        }
        return experiments.computeIfAbsent(name, n -> Long.toString(experiments.size() + 1));
    }

    @Override
    public synchronized Optional<String> findExperiment(String name) {
        return Optional.ofNullable(experiments.get(name));
    }

    @Override
    public synchronized void setExperimentTag(String experimentId, String key, String value) {
        if (!experiments.containsValue(experimentId)) {
            throw new MlflowApiException("no experiment with id " + experimentId, 404, "RESOURCE_DOES_NOT_EXIST");
        }
        experimentTags.computeIfAbsent(experimentId, k -> new LinkedHashMap<>())
                .put(key, MlflowLimits.cut(value, MlflowLimits.EXPERIMENT_TAG_VALUE));
    }

    /** The tags of an experiment. */
    public synchronized Map<String, String> experimentTags(String experimentId) {
        return Map.copyOf(experimentTags.getOrDefault(experimentId, Map.of()));
    }

    @Override
    public synchronized String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId) {
        if (!experiments.containsValue(experimentId)) {
            throw new MlflowApiException("no experiment with id " + experimentId, 404, "RESOURCE_DOES_NOT_EXIST");
        }
        String id = String.format("run%06d", ids.incrementAndGet());
        Run run = new Run(id, experimentId, Objects.requireNonNull(runName, "run name"));
        if (tags != null) {
            tags.forEach((k, v) -> run.tags.put(k, MlflowLimits.cut(v, MlflowLimits.TAG_VALUE)));
        }
        run.tags.put(RUN_NAME_TAG, runName);
        if (parentRunId != null) {
            run.tags.put(PARENT_RUN_ID_TAG, parentRunId);
        }
        runs.put(id, run);
        return id;
    }

    @Override
    public synchronized void logParams(String runId, Map<String, String> params) {
        Run run = run(runId);
        Map<String, String> cut = new LinkedHashMap<>();
        params.forEach((k, v) -> cut.put(k, MlflowLimits.cut(Objects.requireNonNull(v, () -> "value of param " + k),
                MlflowLimits.PARAM_VALUE)));
        // Check all first: MLflow rejects a batch with a conflict as a whole.
        cut.forEach((k, v) -> {
            String old = run.params.get(k);
            if (old != null && !old.equals(v)) {
                throw new ParamConflictException(runId, k, old, v);
            }
        });
        run.params.putAll(cut);
    }

    @Override
    public synchronized void logMetrics(String runId, List<Metric> metrics) {
        Run run = run(runId);
        for (Metric m : metrics) {
            run.metrics.computeIfAbsent(m.key(), k -> new LinkedHashSet<>()).add(m);
        }
    }

    @Override
    public synchronized void setTags(String runId, Map<String, String> tags) {
        Run run = run(runId);
        tags.forEach((k, v) -> run.tags.put(k, MlflowLimits.cut(v, MlflowLimits.TAG_VALUE)));
    }

    @Override
    public synchronized void logInputs(String runId, List<DatasetInput> inputs) {
        run(runId).inputs.addAll(inputs);
    }

    /** The dataset inputs of a run, in logging order. */
    public synchronized List<DatasetInput> inputs(String runId) {
        return List.copyOf(run(runId).inputs);
    }

    @Override
    public synchronized void logArtifact(String runId, String path, byte[] content) {
        run(runId).artifacts.put(path, content.clone());
    }

    @Override
    public synchronized void finishRun(String runId, RunStatus status) {
        run(runId).status = RunStatus.requireTerminal(status);
    }

    @Override
    public synchronized void deleteRun(String runId) {
        run(runId);
        runs.remove(runId);
    }

    @Override
    public synchronized List<RunInfo> searchRuns(String experimentId, String filter) {
        RunFilter f = RunFilter.parse(filter);
        List<RunInfo> found = new ArrayList<>();
        for (Run run : runs.values()) {
            if (run.experimentId.equals(experimentId)) {
                RunInfo info = info(run);
                if (f.matches(info)) {
                    found.add(info);
                }
            }
        }
        return found;
    }

    @Override
    public synchronized Optional<RunInfo> getRun(String runId) {
        Run run = runs.get(runId);
        return run == null ? Optional.empty() : Optional.of(info(run));
    }

    @Override
    public synchronized List<Metric> metricHistory(String runId, String key) {
        List<Metric> history = new ArrayList<>(run(runId).metrics.getOrDefault(key, Set.of()));
        history.sort(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp));
        return history;
    }

    /** The stored bytes of an artifact, or empty. */
    public synchronized Optional<byte[]> artifact(String runId, String path) {
        return Optional.ofNullable(run(runId).artifacts.get(path)).map(byte[]::clone);
    }

    /** Paths of a run's artifacts, in logging order. */
    public synchronized List<String> artifactPaths(String runId) {
        return List.copyOf(run(runId).artifacts.keySet());
    }

    @Override
    public void close() {}

    private Run run(String runId) {
        Run run = runs.get(runId);
        if (run == null) {
            throw new MlflowApiException("Run with id=" + runId + " not found", 404, "RESOURCE_DOES_NOT_EXIST");
        }
        return run;
    }

    private static RunInfo info(Run run) {
        Map<String, Double> latest = new HashMap<>();
        Comparator<Metric> order = Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
                .thenComparingDouble(Metric::value);
        run.metrics.forEach((k, values) -> values.stream().max(order).ifPresent(m -> latest.put(k, m.value())));
        return new RunInfo(run.id, run.name, run.status, run.params, run.tags, latest);
    }
}
