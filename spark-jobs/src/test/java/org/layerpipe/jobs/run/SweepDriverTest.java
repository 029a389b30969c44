package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * The sweep driver's bookkeeping with the in-memory tracker and trials run in-process by the
 * real trainer (tiny MLPs on synthetic data): failure isolation, resume, retries, force.
 * The same flows against a real MLflow server and spark-submit are in the integration tests.
 */
class SweepDriverTest {

    private static final String SWEEP = """
            name: tiny
            experiment: tiny-test
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 256
              data.test_limit: 128
              batch_size: 32
              epochs: 2
              partition: "[2,2]"
            axes:
              weights: [stash, ema]
              lr: [0.05, 1.0e12]
            """;

    private final InMemoryTracker tracker = new InMemoryTracker();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private SweepDriver driver(boolean force, SweepDriver.TaskLauncher launcher) {
        return new SweepDriver(null, tracker, new SweepDriver.Options("http://unused", "/tmp/unused", force, 1),
                new PrintStream(printed, true, StandardCharsets.UTF_8), launcher);
    }

    private SweepDriver.TaskLauncher inProcess(AtomicInteger launches) {
        return (task, description) -> {
            launches.incrementAndGet();
            return TrialRunner.run(task, tracker, 0, List.of());
        };
    }

    private List<RunInfo> trialRuns(String experimentId) {
        return tracker.searchRuns(experimentId, "tags.`layerpipe.role` = 'trial'");
    }

    @Test
    void divergingTrialsFailWithTheirReasonAndTheSweepGoesOn() {
        SweepSpec spec = SweepParser.parse("tiny.yaml", SWEEP);
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome o = driver(false, inProcess(launches)).run(spec);
        assertEquals(4, o.trials().size());
        assertEquals(4, launches.get());
        Map<String, Long> byStatus = o.trials().stream().collect(Collectors.groupingBy(t -> t.trial().status(), Collectors.counting()));
        assertEquals(Map.of("FINISHED", 2L, "DIVERGED", 2L), byStatus);
        List<RunInfo> runs = trialRuns(o.experimentId());
        assertEquals(4, runs.size());
        for (RunInfo r : runs) {
            assertEquals(o.parentRunId(), r.parentRunId());
            assertNotEquals("queued", r.tags().get(RunNaming.TAG_STATE), "no trial run is left queued: " + r.tags());
            if (r.params().get("lr").equals("1.0E12")) {
                assertEquals(RunStatus.FAILED, r.status());
                assertTrue(r.tags().get(RunNaming.TAG_FAILURE).startsWith("diverged in epoch 1: the loss is"), r.tags().toString());
            } else {
                assertEquals(RunStatus.FINISHED, r.status());
                assertEquals(2, tracker.metricHistory(r.runId(), "test_accuracy").size());
            }
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[4/4 done, 0 running, 2 failed"), out);
    }

    @Test
    void resubmittingSkipsFinishedTrialsAndRebuildsTheirRows() {
        SweepSpec spec = SweepParser.parse("tiny.yaml", SWEEP);
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(spec);
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome second = driver(false, inProcess(launches)).run(spec);
        assertEquals(0, launches.get(), "finished and diverged trials are done");
        assertEquals(4, second.skipped());
        assertEquals(first.parentRunId(), second.parentRunId(), "the sweep's parent run is reused");
        assertEquals(4, trialRuns(second.experimentId()).size(), "no duplicate runs");
        for (int i = 0; i < 4; i++) {
            var a = first.trials().get(i).trial();
            var b = second.trials().get(i).trial();
            assertEquals(a.trialId(), b.trialId());
            assertEquals(a.status(), b.status());
            assertEquals(a.runId(), b.runId());
            assertEquals(a.message(), b.message());
            if (a.status().equals("FINISHED")) {
                assertEquals(a.finalTestAccuracy(), b.finalTestAccuracy(), 0.0, "rows rebuilt from MLflow match");
                assertEquals(first.trials().get(i).epochs().size(), second.trials().get(i).epochs().size());
            }
        }
        AtomicInteger forced = new AtomicInteger();
        driver(true, inProcess(forced)).run(spec);
        assertEquals(4, forced.get(), "--force re-runs all");
        assertEquals(4, trialRuns(second.experimentId()).size(), "forced re-runs replace, not duplicate");
    }

    @Test
    void aSparkJobFailureFailsOnlyItsTrial() {
        SweepSpec spec = SweepParser.parse("tiny.yaml", SWEEP);
        // Spark reports an aborted job as a checked SparkException that Scala throws undeclared.
        SweepDriver.TaskLauncher abortsFirst = (task, description) -> task.trialIndex() == 0
                ? sneakyThrow(new org.apache.spark.SparkException("Job aborted due to stage failure: executor lost"))
                : TrialRunner.run(task, tracker, 0, List.of());
        SweepDriver.Outcome o = driver(false, abortsFirst).run(spec);
        assertEquals(4, o.trials().size());
        TrialOutcome first = o.trials().get(0);
        assertEquals("FAILED", first.trial().status());
        assertEquals("the Spark task failed: Job aborted due to stage failure: executor lost", first.trial().message());
        RunInfo run = tracker.getRun(first.trial().runId()).orElseThrow();
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals(first.trial().message(), run.tags().get(RunNaming.TAG_FAILURE));
        assertEquals("FINISHED", o.trials().get(2).trial().status(), "the other trials ran");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> TrialOutcome sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aRetriedTaskReplacesThePartialRunInsteadOfDuplicatingIt() {
        SweepSpec spec = SweepParser.parse("tiny.yaml", SWEEP);
        List<String> claimed = new ArrayList<>();
        // the first attempt of every trial starts, then its executor "dies"; the retry runs it through
        SweepDriver.TaskLauncher crashingOnce = (task, description) -> {
            tracker.setTags(task.runId(), Map.of(RunNaming.TAG_STATE, "running"));
            tracker.logMetrics(task.runId(), List.of(new org.layerpipe.jobs.tracking.Metric("train_loss", 9.0, 1L, 1L)));
            TrialOutcome o = TrialRunner.run(task, tracker, 1, List.of());
            claimed.add(o.trial().runId());
            return o;
        };
        SweepDriver.Outcome o = driver(false, crashingOnce).run(spec);
        List<RunInfo> runs = trialRuns(o.experimentId());
        assertEquals(4, runs.size(), "one run per trial");
        for (RunInfo r : runs) {
            assertTrue(claimed.contains(r.runId()));
            assertTrue(tracker.metricHistory(r.runId(), "train_loss").stream().noneMatch(m -> m.value() == 9.0),
                    "the partial attempt's metrics are gone with its run");
        }
    }
}
