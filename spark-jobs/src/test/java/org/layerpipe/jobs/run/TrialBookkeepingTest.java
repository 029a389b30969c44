package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.jobs.tracking.DatasetInput;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.MlflowLimits;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * What a trial leaves in MLflow besides its metrics (in-memory tracker, real trainer): data sets,
 * system metrics, delays, and its final bookkeeping — which never fails the task.
 */
class TrialBookkeepingTest {

    @TempDir
    Path dir;

    private final InMemoryTracker store = new InMemoryTracker();

    private TrialTask task(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("model", "mlp", "model.hidden", "16", "data", "synthetic",
                "data.train_limit", "256", "data.test_limit", "128", "batch_size", "32", "epochs", "2", "partition", "[2,2]"));
        settings.putAll(overrides);
        Map<String, String> params = TrialConfig.defaults().with(settings).toParams();
        String experiment = store.experimentId("bookkeeping");
        Map<String, String> source = RunNaming.sourceTags("sweeps/s.yaml", "ada", null);
        String runId = SweepDriver.createTrialRun(store, experiment, null, "s", "s0", 0, "t0", "trial", params, Map.of(), source, List.of());
        return new TrialTask("s", "s0", 0, "t0", params, "trial", runId, experiment, null, "http://unused",
                dir.toString(), Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), source, List.of());
    }

    @Test
    void aTrialLogsItsDataSetsSystemMetricsAndDelays() {
        TrialTask task = task(Map.of("schedule", "1f1b"));
        TrialOutcome o = TrialRunner.run(task, store, 0, List.of(), Duration.ofMillis(50));
        assertEquals("FINISHED", o.trial().status(), o.trial().message());
        List<DatasetInput> inputs = store.inputs(task.runId());
        assertEquals(List.of("synthetic-train training 256", "synthetic-test test 128"),
                inputs.stream().map(i -> i.name() + " " + i.context() + " " + i.profile().replaceAll(".*\"num_rows\":(\\d+).*", "$1")).toList());
        assertTrue(inputs.stream().allMatch(i -> i.digest().length() == 16 && "code".equals(i.sourceType())), inputs.toString());
        assertTrue(!inputs.get(0).digest().equals(inputs.get(1).digest()), "train and test differ");
        List<Metric> cpu = store.metricHistory(task.runId(), "system/system_memory_usage_megabytes");
        assertTrue(cpu.size() >= 2, "a sample at the start and one at the end: " + cpu);
        for (int i = 0; i < cpu.size(); i++) {
            assertEquals(i, cpu.get(i).step(), "steps count the samples");
        }
        assertTrue(store.metricHistory(task.runId(), "system/jvm_heap_used_megabytes").get(0).value() > 0);
        RunInfo run = store.getRun(task.runId()).orElseThrow();
        assertEquals("[1,0]", run.tags().get(RunNaming.TAG_STAGE_DELAYS), "1F1B: S");
        assertEquals("JOB", run.tags().get(RunNaming.TAG_SOURCE_TYPE));
        assertEquals("ada", run.tags().get(RunNaming.TAG_USER));
        assertEquals(List.of(1.0, 1.0), store.metricHistory(task.runId(), "staleness.max.stage0").stream().map(Metric::value).toList());
    }

    @Test
    void aFailureTooLongForATagIsCutThereAndKeptWholeAsAnArtifact() {
        String path = "/nonexistent/" + "x".repeat(20_000);
        TrialTask task = task(Map.of("data", "fashion-mnist", "data.path", path));
        TrialOutcome o = TrialRunner.run(task, store, 0, List.of(), Duration.ofSeconds(10));
        assertEquals("FAILED", o.trial().status());
        assertTrue(o.trial().message().contains(path), "the reason names the path");
        String kept = new String(store.artifact(task.runId(), TrialRunner.FAILURE_ARTIFACT).orElseThrow(), StandardCharsets.UTF_8);
        assertEquals(o.trial().message(), kept);
        RunInfo run = store.getRun(task.runId()).orElseThrow();
        assertEquals(RunStatus.FAILED, run.status());
        for (String tag : List.of(RunNaming.TAG_NOTE, RunNaming.TAG_FAILURE)) {
            String value = run.tags().get(tag);
            assertTrue(value.length() <= MlflowLimits.TAG_VALUE, tag + " has " + value.length() + " characters");
            assertTrue(value.endsWith("; the full text is the artifact failure.txt]"), value.substring(value.length() - 100));
        }
    }

    @Test
    void aRefusalAfterTrainingIsJournaledAndTheTaskReturnsItsOutcome() throws Exception {
        TrialTask task = task(Map.of());
        Path journal = dir.resolve("journal");
        TrialOutcome o;
        // The run disappears (a concurrent --force deleted it) once the trial has trained.
        try (JournalingTracker tracker = new JournalingTracker(new DeletingAtArtifact(store, "trial.properties"), journal)) {
            o = TrialRunner.run(task, tracker, 0, List.of(), Duration.ofSeconds(10));
        }
        assertEquals("FINISHED", o.trial().status(), "trained, and the outcome came back");
        assertEquals(2, o.trial().epochsCompleted());
        String kept = Files.readString(journal.resolve("rejected").resolve("run-" + task.runId() + ".jsonl"));
        for (String call : List.of("\"path\":\"trial.properties\"", "\"path\":\"epochs.csv\"", "\"op\":\"tags\"", "\"op\":\"finish\"")) {
            assertTrue(kept.contains(call), call + " kept in rejected/:\n" + kept);
        }
    }

    /** The in-memory tracker, deleting a run when an artifact of {@code path} is logged to it. */
    private record DeletingAtArtifact(InMemoryTracker store, String path) implements Tracker {

        @Override
        public void logArtifact(String runId, String p, byte[] content) {
            if (p.equals(path)) {
                store.deleteRun(runId);
            }
            store.logArtifact(runId, p, content);
        }

        @Override
        public String experimentId(String name) {
            return store.experimentId(name);
        }

        @Override
        public Optional<String> findExperiment(String name) {
            return store.findExperiment(name);
        }

        @Override
        public void setExperimentTag(String experimentId, String key, String value) {
            store.setExperimentTag(experimentId, key, value);
        }

        @Override
        public String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId) {
            return store.createRun(experimentId, runName, tags, parentRunId);
        }

        @Override
        public void logParams(String runId, Map<String, String> params) {
            store.logParams(runId, params);
        }

        @Override
        public void logMetrics(String runId, List<Metric> metrics) {
            store.logMetrics(runId, metrics);
        }

        @Override
        public void setTags(String runId, Map<String, String> tags) {
            store.setTags(runId, tags);
        }

        @Override
        public void logInputs(String runId, List<DatasetInput> inputs) {
            store.logInputs(runId, inputs);
        }

        @Override
        public void finishRun(String runId, RunStatus status) {
            store.finishRun(runId, status);
        }

        @Override
        public List<RunInfo> searchRuns(String experimentId, String filter) {
            return store.searchRuns(experimentId, filter);
        }

        @Override
        public Optional<RunInfo> getRun(String runId) {
            return store.getRun(runId);
        }

        @Override
        public List<Metric> metricHistory(String runId, String key) {
            return store.metricHistory(runId, key);
        }

        @Override
        public void deleteRun(String runId) {
            store.deleteRun(runId);
        }

        @Override
        public void close() {
        }
    }
}
