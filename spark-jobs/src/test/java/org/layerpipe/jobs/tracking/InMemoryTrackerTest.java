package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryTrackerTest {

    private final InMemoryTracker tracker = new InMemoryTracker();

    @Test
    void childRunsCarryTheirParentAndName() {
        String exp = tracker.experimentId("sweep");
        assertEquals(exp, tracker.experimentId("sweep"));
        String parent = tracker.createRun(exp, "sweep-1", Map.of(), null);
        String child = tracker.createRun(exp, "trial-1", Map.of("trial_hash", "ab12"), parent);

        RunInfo info = tracker.getRun(child).orElseThrow();
        assertEquals("trial-1", info.name());
        assertEquals(parent, info.parentRunId());
        assertEquals("ab12", info.tags().get("trial_hash"));
        assertEquals(RunStatus.RUNNING, info.status());
        assertEquals(null, tracker.getRun(parent).orElseThrow().parentRunId());
        assertTrue(tracker.getRun("nope").isEmpty());
    }

    @Test
    void paramsAreImmutable() {
        String run = tracker.createRun(tracker.experimentId("e"), "r", Map.of(), null);
        tracker.logParams(run, Map.of("lr", "0.1", "m", "4"));
        tracker.logParams(run, Map.of("lr", "0.1")); // same value: no-op

        ParamConflictException e = assertThrows(ParamConflictException.class, () -> tracker.logParams(run, Map.of("m", "4", "lr", "0.2")));
        assertEquals("param 'lr' of run " + run + " is already '0.1' and cannot be changed to '0.2': MLflow params are immutable."
                + " Log values that change as metrics or tags, or start a new run.", e.getMessage());
        assertEquals(Map.of("lr", "0.1", "m", "4"), tracker.getRun(run).orElseThrow().params());
    }

    @Test
    void identicalMetricValuesAreStoredOnceAndLatestIsByStep() {
        String run = tracker.createRun(tracker.experimentId("e"), "r", Map.of(), null);
        List<Metric> values = List.of(new Metric("loss", 2.0, 10, 0), new Metric("loss", 1.0, 30, 2), new Metric("loss", 1.5, 20, 1),
                new Metric("loss", Double.NaN, 5, 0));
        tracker.logMetrics(run, values);
        tracker.logMetrics(run, values);

        assertEquals(List.of(new Metric("loss", Double.NaN, 5, 0), new Metric("loss", 2.0, 10, 0), new Metric("loss", 1.5, 20, 1),
                new Metric("loss", 1.0, 30, 2)), tracker.metricHistory(run, "loss"));
        assertEquals(1.0, tracker.getRun(run).orElseThrow().latestMetrics().get("loss"));
    }

    @Test
    void searchUnderstandsMlflowFilters() {
        String exp = tracker.experimentId("e");
        String parent = tracker.createRun(exp, "sweep", Map.of(), null);
        String a = tracker.createRun(exp, "trial-a", Map.of("trial_hash", "aa"), parent);
        String b = tracker.createRun(exp, "trial-b", Map.of("trial_hash", "bb"), parent);
        tracker.logParams(a, Map.of("mode", "EMA"));
        tracker.logParams(b, Map.of("mode", "STASH"));
        tracker.logMetrics(a, List.of(new Metric("acc", 0.9, 1, 1)));
        tracker.logMetrics(b, List.of(new Metric("acc", 0.7, 1, 1)));
        tracker.finishRun(a, RunStatus.FINISHED);
        tracker.finishRun(b, RunStatus.FAILED);

        assertEquals(List.of(a, b), ids(tracker.searchRuns(exp, "tags.\"mlflow.parentRunId\" = '" + parent + "'")));
        assertEquals(List.of(a, b), ids(tracker.searchRuns(exp, "tags.mlflow.parentRunId = '" + parent + "'")));
        assertEquals(List.of(a), ids(tracker.searchRuns(exp, "params.mode = 'EMA' and attributes.status = 'FINISHED'")));
        assertEquals(List.of(a), ids(tracker.searchRuns(exp, "metrics.acc >= 0.8")));
        assertEquals(List.of(b), ids(tracker.searchRuns(exp, "attributes.run_name LIKE '%-b' AND tags.`trial_hash` != 'aa'")));
        assertEquals(3, tracker.searchRuns(exp, null).size());
        assertEquals(List.of(), tracker.searchRuns(tracker.experimentId("other"), ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tracker.searchRuns(exp, "params.mode IN ('EMA')"));
        assertTrue(e.getMessage().startsWith("InMemoryTracker cannot parse filter clause"), e.getMessage());
    }

    @Test
    void artifactsAndStatus() {
        String run = tracker.createRun(tracker.experimentId("e"), "r", Map.of(), null);
        byte[] content = {1, 2, 3};
        tracker.logArtifact(run, "model/summary.txt", content);
        content[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, tracker.artifact(run, "model/summary.txt").orElseThrow());
        assertEquals(List.of("model/summary.txt"), tracker.artifactPaths(run));
        assertThrows(IllegalArgumentException.class, () -> tracker.finishRun(run, RunStatus.RUNNING));
        tracker.finishRun(run, RunStatus.KILLED);
        assertEquals(RunStatus.KILLED, tracker.getRun(run).orElseThrow().status());
        MlflowApiException unknown = assertThrows(MlflowApiException.class, () -> tracker.logMetrics("nope", List.of()));
        assertEquals("RESOURCE_DOES_NOT_EXIST", unknown.errorCode());
    }

    @Test
    void concurrentLoggingLosesNothing() throws Exception {
        String run = tracker.createRun(tracker.experimentId("e"), "r", Map.of(), null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        tracker.logMetrics(run, List.of(new Metric("m" + thread, i, i, i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int t = 0; t < 4; t++) {
            assertEquals(500, tracker.metricHistory(run, "m" + t).size());
        }
    }

    private static List<String> ids(List<RunInfo> runs) {
        return runs.stream().map(RunInfo::runId).toList();
    }
}
