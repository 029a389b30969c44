package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.SwitchableTracker;

/**
 * Exactly-once run bookkeeping ({@link TrialLedger}) with the in-memory tracker and trials run
 * in-process by the real trainer (tiny MLPs on synthetic data): one test per way a trial could
 * be trained twice, lose its result or log into another attempt's run.
 */
class ExactlyOnceTest {

    private static final String SWEEP = """
            name: ${name}
            experiment: exactly-once
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 256
              data.test_limit: 128
              batch_size: 32
              epochs: 2
              partition: "[2,2]"
              weights: stash
            axes:
              lr: [${lr}]
            """;

    @TempDir
    Path dir;

    private final InMemoryTracker tracker = new InMemoryTracker();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    /** A one-axis sweep of tiny MLPs on synthetic data (stash weights, two epochs), one trial per value of {@code lr}. */
    static SweepSpec sweep(String name, String lr) {
        return SweepParser.parse(name + ".yaml", SWEEP.replace("${name}", name).replace("${lr}", lr));
    }

    private SweepDriver driver(boolean force, SweepDriver.TaskLauncher launcher) {
        return driver(force, launcher, null, tracker);
    }

    /** A driver whose trials checkpoint under {@code checkpoints} by default (as {@code SweepJob} sets it), logging to {@code to}. */
    private SweepDriver driver(boolean force, SweepDriver.TaskLauncher launcher, Path checkpoints, InMemoryTracker to) {
        return new SweepDriver(null, to, new SweepDriver.Options("http://unused", dir.toString(), force, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(20), checkpoints == null ? null : checkpoints.toUri().toString()),
                new PrintStream(printed, true, StandardCharsets.UTF_8), launcher);
    }

    /** The tiny sweep trained for three epochs, so that a kill after epoch 2 leaves one to resume. */
    private static SweepSpec threeEpochs(String name) {
        return SweepParser.parse(name + ".yaml", SWEEP.replace("${name}", name).replace("${lr}", "0.05").replace("epochs: 2", "epochs: 3"));
    }

    /** Attempt 0 of the task dies while it logs epoch 2 (its epoch-2 checkpoint is written by then). */
    private TrialOutcome dieAtEpochTwo(TrialTask task) {
        SwitchableTracker dying = new SwitchableTracker(tracker, false);
        dying.killAtEpoch = 2;
        return TrialRunner.run(task, dying, 0, List.of());
    }

    private SweepDriver.TaskLauncher inProcess(AtomicInteger launches) {
        return (task, description) -> {
            launches.incrementAndGet();
            return TrialRunner.run(task, tracker, 0, List.of());
        };
    }

    private List<RunInfo> runsOf(String experimentId, String trialId) {
        return tracker.searchRuns(experimentId, "tags.`" + RunNaming.TAG_TRIAL_ID + "` = '" + trialId + "'");
    }

    private List<Long> steps(String runId) {
        return tracker.metricHistory(runId, "test_accuracy").stream().map(Metric::step).toList();
    }

    @Test
    void aRetryThatFindsTheServerDownDoesNotLogIntoTheKilledAttemptsRun() {
        SweepDriver.TaskLauncher killedThenRetriedWhileDown = (task, description) -> {
            // attempt 0 started the run and logged epoch 1; then its executor died
            tracker.setTags(task.runId(), Map.of(RunNaming.TAG_STATE, "running", RunNaming.TAG_ATTEMPT, "0"));
            tracker.logMetrics(task.runId(), List.of(new Metric("test_accuracy", 0.123, 1L, 1L)));
            return startWhileDown(task, 1); // attempt 1 starts while the server is down
        };
        SweepDriver.Outcome o = driver(false, killedThenRetriedWhileDown).run(sweep("down", "0.05"));
        TrialOutcome trial = o.trials().get(0);
        assertEquals("FINISHED", trial.trial().status(), trial.trial().message());
        List<RunInfo> runs = runsOf(o.experimentId(), trial.trial().trialId());
        assertEquals(1, runs.size(), "one live run: " + runs);
        RunInfo run = runs.get(0);
        assertEquals(trial.trial().runId(), run.runId());
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals(List.of(1L, 2L), steps(run.runId()), "every epoch once, none of the killed attempt's");
        assertTrue(tracker.metricHistory(run.runId(), "test_accuracy").stream().noneMatch(m -> m.value() == 0.123));
    }

    @Test
    void aFirstAttemptWithTheServerDownLogsIntoItsQueuedRunOnceItIsBack() {
        SweepDriver.TaskLauncher down = (task, description) -> startWhileDown(task, 0);
        SweepDriver.Outcome o = driver(false, down).run(sweep("first-down", "0.05"));
        TrialOutcome trial = o.trials().get(0);
        assertEquals("FINISHED", trial.trial().status(), trial.trial().message());
        RunInfo run = runsOf(o.experimentId(), trial.trial().trialId()).get(0);
        assertEquals(trial.trial().runId(), run.runId(), "the driver's queued run");
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals(List.of(1L, 2L), steps(run.runId()));
    }

    @Test
    void aFinishedRunOfAnAttemptWhoseResultWasLostIsKeptAndItsRowsRebuilt() {
        List<String> firstAttemptRuns = new ArrayList<>();
        SweepDriver.TaskLauncher resultLost = (task, description) -> {
            TrialOutcome lost = TrialRunner.run(task, tracker, 0, List.of()); // trained and logged; the executor died before returning it
            firstAttemptRuns.add(lost.trial().runId());
            return TrialRunner.run(task, tracker, 1, List.of());
        };
        SweepDriver.Outcome o = driver(false, resultLost).run(sweep("lost", "0.05"));
        TrialOutcome trial = o.trials().get(0);
        assertEquals("FINISHED", trial.trial().status(), trial.trial().message());
        assertEquals(firstAttemptRuns.get(0), trial.trial().runId(), "the retry returns the finished run's rows, not a new run");
        List<RunInfo> runs = runsOf(o.experimentId(), trial.trial().trialId());
        assertEquals(List.of(firstAttemptRuns.get(0)), runs.stream().map(RunInfo::runId).toList(), "the finished run is not deleted");
        assertEquals(List.of(1L, 2L), steps(trial.trial().runId()));
        assertEquals(2, trial.epochs().size(), "epoch rows rebuilt from the run");
    }

    @Test
    void forceKeepsTheFinishedRunWhenTheReRunFails() {
        SweepSpec spec = sweep("force-fails", "0.05, 0.02");
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(spec);
        SweepDriver.TaskLauncher fails = (task, description) -> sneakyThrow(
                new org.apache.spark.SparkException("Job aborted due to stage failure: executor lost"));
        SweepDriver.Outcome forced = driver(true, fails).run(spec);
        for (int i = 0; i < 2; i++) {
            TrialOutcome before = first.trials().get(i);
            TrialOutcome after = forced.trials().get(i);
            assertEquals("FINISHED", after.trial().status(), "the earlier result stands: " + after.trial().message());
            assertEquals(before.trial().runId(), after.trial().runId());
            assertEquals(before.trial().finalTestAccuracy(), after.trial().finalTestAccuracy(), 0.0);
            RunInfo kept = tracker.getRun(before.trial().runId()).orElseThrow();
            assertEquals(RunStatus.FINISHED, kept.status(), "the finished run is still there");
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("the forced re-run of trial 0 ended FAILED; its earlier finished run " + first.trials().get(0).trial().runId()
                + " is kept"), out);
        AtomicInteger launches = new AtomicInteger();
        driver(false, inProcess(launches)).run(spec);
        assertEquals(0, launches.get(), "still done");
    }

    @Test
    void forceReplacesTheRunOnlyOnceTheReRunFinished() {
        SweepSpec spec = sweep("force-ok", "0.05");
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(spec);
        String old = first.trials().get(0).trial().runId();
        List<Boolean> oldAliveDuringReRun = new ArrayList<>();
        SweepDriver.TaskLauncher checking = (task, description) -> {
            oldAliveDuringReRun.add(tracker.getRun(old).isPresent());
            return TrialRunner.run(task, tracker, 0, List.of());
        };
        SweepDriver.Outcome forced = driver(true, checking).run(spec);
        assertEquals(List.of(true), oldAliveDuringReRun, "the finished run lives while its re-run trains");
        String fresh = forced.trials().get(0).trial().runId();
        assertNotEquals(old, fresh);
        assertEquals(List.of(fresh), runsOf(forced.experimentId(), first.trials().get(0).trial().trialId()).stream().map(RunInfo::runId).toList(),
                "replaced once the re-run finished");
    }

    @Test
    void aReplacementTheDriverDidNotCompleteIsCompletedByTheNextSubmission() {
        SweepSpec spec = sweep("force-killed", "0.05");
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(spec);
        String old = first.trials().get(0).trial().runId();
        // the forced re-run finished in MLflow, then its driver died before deleting the old run
        SweepDriver.TaskLauncher driverDies = (task, description) -> {
            TrialRunner.run(task, tracker, 0, List.of());
            throw new Error("driver killed"); // not a task failure: it ends the driver, as a kill would
        };
        try {
            driver(true, driverDies).run(spec);
        } catch (IllegalStateException killed) {
            assertTrue(killed.getMessage().contains("driver killed"), killed.getMessage());
        }
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome again = driver(false, inProcess(launches)).run(spec);
        assertEquals(0, launches.get());
        String trialId = first.trials().get(0).trial().trialId();
        List<RunInfo> runs = runsOf(again.experimentId(), trialId);
        assertEquals(1, runs.size(), "one run: " + runs);
        assertNotEquals(old, runs.get(0).runId(), "the re-run that finished replaced the old one");
        assertEquals(runs.get(0).runId(), again.trials().get(0).trial().runId());
    }

    @Test
    void divergedTrialsAreDoneUnlessForced() {
        SweepSpec spec = sweep("diverged", "0.05, 1.0e12");
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(spec);
        assertEquals("DIVERGED", first.trials().get(1).trial().status());
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome second = driver(false, inProcess(launches)).run(spec);
        assertEquals(0, launches.get(), "divergence is deterministic: nothing runs again");
        assertEquals(2, second.skipped());
        assertEquals("DIVERGED", second.trials().get(1).trial().status());
        assertEquals(first.trials().get(1).trial().message(), second.trials().get(1).trial().message(), "the reason rebuilt from the run");
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("2 trial(s) already done in MLflow (1 finished, 1 diverged): skipped (use --force to re-run them)"), out);
        AtomicInteger forced = new AtomicInteger();
        driver(true, inProcess(forced)).run(spec);
        assertEquals(2, forced.get(), "--force runs them");
    }

    @Test
    void finishedTrialsAreFoundByTrialIdWhateverSweepFileTheyCameFrom() {
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger())).run(sweep("grid", "0.05"));
        String trialId = first.trials().get(0).trial().trialId();
        // one more value on the axis: a new sweep id, the old trial is still done
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome wider = driver(false, inProcess(launches)).run(sweep("grid", "0.02, 0.05"));
        assertNotEquals(first.sweepId(), wider.sweepId());
        assertEquals(1, launches.get(), "only the new trial runs");
        TrialOutcome skipped = wider.trials().get(1);
        assertEquals(trialId, skipped.trial().trialId());
        assertEquals(first.trials().get(0).trial().runId(), skipped.trial().runId());
        assertEquals(wider.sweepId(), skipped.trial().sweepId(), "rows in this sweep's terms");
        assertEquals(1, skipped.trial().trialIndex());
        assertEquals(1, skipped.epochs().get(0).trialIndex());
        // another sweep file of the same experiment
        AtomicInteger other = new AtomicInteger();
        driver(false, inProcess(other)).run(sweep("another-study", "0.05"));
        assertEquals(0, other.get());
        assertEquals(1, runsOf(first.experimentId(), trialId).size());
    }

    @Test
    void aRetriedAttemptResumesFromTheCheckpointInTheSameRunAndLogsEachEpochOnce() {
        List<String> killedRuns = new ArrayList<>();
        SweepDriver.TaskLauncher killedThenRetried = (task, description) -> {
            killedRuns.add(task.runId());
            try {
                dieAtEpochTwo(task);
            } catch (SwitchableTracker.Killed expected) {
                // the executor is gone; Spark retries the task
            }
            return TrialRunner.run(task, tracker, 1, List.of());
        };
        SweepDriver.Outcome o = driver(false, killedThenRetried, dir.resolve("ckpt"), tracker).run(threeEpochs("retry-resumes"));
        TrialOutcome trial = o.trials().get(0);
        assertEquals("FINISHED", trial.trial().status(), trial.trial().message());
        List<RunInfo> runs = runsOf(o.experimentId(), trial.trial().trialId());
        assertEquals(List.of(killedRuns.get(0)), runs.stream().map(RunInfo::runId).toList(), "the killed attempt's run goes on");
        assertEquals(List.of(1L, 2L, 3L), steps(trial.trial().runId()), "epoch 1 from the killed attempt, 2 restored, 3 trained");
        assertEquals("2", runs.get(0).tags().get(RunNaming.TAG_RESUMED_FROM));
        assertEquals(3, trial.epochs().size());
        // the same trial trained without a kill (another tracker, other checkpoints) ends with the same accuracy
        InMemoryTracker straight = new InMemoryTracker();
        SweepDriver.Outcome uninterrupted = driver(false, (task, d) -> TrialRunner.run(task, straight, 0, List.of()),
                dir.resolve("ckpt-straight"), straight).run(threeEpochs("retry-resumes"));
        assertEquals(uninterrupted.trials().get(0).trial().finalTestAccuracy(), trial.trial().finalTestAccuracy(), 0.0,
                "resuming changes nothing");
    }

    @Test
    void aResubmittedSweepResumesTheKilledTrialInItsRun() {
        SweepSpec spec = threeEpochs("resubmit-resumes");
        List<String> killedRuns = new ArrayList<>();
        SweepDriver.TaskLauncher jobKilled = (task, description) -> {
            killedRuns.add(task.runId());
            dieAtEpochTwo(task); // the Error ends the driver, as killing the job would
            return null;
        };
        try {
            driver(false, jobKilled, dir.resolve("ckpt"), tracker).run(spec);
        } catch (IllegalStateException killed) {
            assertTrue(killed.getMessage().contains("epoch 2"), killed.getMessage());
        }
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome again = driver(false, inProcess(launches), dir.resolve("ckpt"), tracker).run(spec);
        assertEquals(1, launches.get());
        TrialOutcome trial = again.trials().get(0);
        assertEquals("FINISHED", trial.trial().status(), trial.trial().message());
        assertEquals(killedRuns.get(0), trial.trial().runId(), "the run the killed job started");
        assertEquals(1, runsOf(again.experimentId(), trial.trial().trialId()).size());
        assertEquals(List.of(1L, 2L, 3L), steps(trial.trial().runId()));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("trial 0 resumes from its epoch-2 checkpoint in run " + killedRuns.get(0)), out);
    }

    @Test
    void aForcedReRunStartsOverInsteadOfResumingFromTheFinishedTrialsCheckpoint() {
        SweepSpec spec = threeEpochs("force-starts-over");
        SweepDriver.Outcome first = driver(false, inProcess(new AtomicInteger()), dir.resolve("ckpt"), tracker).run(spec);
        assertEquals("FINISHED", first.trials().get(0).trial().status());
        SweepDriver.Outcome forced = driver(true, inProcess(new AtomicInteger()), dir.resolve("ckpt"), tracker).run(spec);
        TrialOutcome trial = forced.trials().get(0);
        assertNotEquals(first.trials().get(0).trial().runId(), trial.trial().runId());
        RunInfo run = tracker.getRun(trial.trial().runId()).orElseThrow();
        assertEquals(null, run.tags().get(RunNaming.TAG_RESUMED_FROM), "trained from epoch 0, not resumed from the last checkpoint");
        assertEquals(List.of(1L, 2L, 3L), steps(trial.trial().runId()));
        assertTrue(tracker.metricHistory(trial.trial().runId(), "wall_seconds").stream().allMatch(m -> m.value() > 0));
        assertEquals(first.trials().get(0).trial().finalTestAccuracy(), trial.trial().finalTestAccuracy(), 0.0);
    }

    /** Runs attempt {@code attempt} of the task while the server is down; it comes back 0.4 s later. */
    private TrialOutcome startWhileDown(TrialTask task, int attempt) {
        SwitchableTracker mlflow = new SwitchableTracker(tracker, true);
        new Thread(() -> {
            sleep(400);
            mlflow.down = false;
        }).start();
        try (JournalingTracker journaling = new JournalingTracker(mlflow, dir.resolve("journal-" + task.trialIndex()),
                () -> !mlflow.down, Duration.ofMillis(20), Duration.ofSeconds(10))) {
            return TrialRunner.run(task, journaling, attempt, List.of());
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> TrialOutcome sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
