package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.sweep.EarlyStopping;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * Successive halving across a sweep ({@code early_stopping}), with the real trainer in-process on
 * tiny MLPs: nine trials in three groups (one per seed), rungs at epochs 1 and 3, reduction 3 —
 * one trial per group goes on, the other six end STOPPED (MLflow KILLED with the tag and the rung),
 * the best trial is the full grid's, and the compute spent is reported.
 */
class SuccessiveHalvingTest {

    private static final String SWEEP = """
            name: halving
            experiment: halving
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 256
              data.test_limit: 128
              batch_size: 32
              epochs: 3
              partition: "[2,2]"
              weights: stash
              momentum: 0
            axes:
              seed: [1, 2, 3]
              lr: [0.002, 0.02, 0.2]
            ${early}
            """;
    private static final String HALVING = "early_stopping: {rule: successive-halving, metric: test_loss, mode: min, min_epochs: 1,"
            + " reduction: 3, group_by: [seed]}";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private SweepDriver.Outcome run(InMemoryTracker tracker, String early, AtomicInteger launches) {
        return run(tracker, early, launches, false);
    }

    private SweepDriver.Outcome run(InMemoryTracker tracker, String early, AtomicInteger launches, boolean force) {
        SweepSpec spec = SweepParser.parse("halving.yaml", SWEEP.replace("${early}", early));
        return new SweepDriver(null, tracker, new SweepDriver.Options("http://unused", dir.toString(), force, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(20), dir.resolve("ckpt-" + System.identityHashCode(tracker)).toUri().toString()),
                new PrintStream(printed, true, StandardCharsets.UTF_8), (task, description) -> {
                    launches.incrementAndGet();
                    return TrialRunner.run(task, tracker, 0, List.of());
                }).run(spec);
    }

    @Test
    void keepsTheBestThirdPerGroupStopsTheRestAndFindsTheFullGridsBest() {
        InMemoryTracker tracker = new InMemoryTracker();
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome halving = run(tracker, HALVING, launches);
        assertEquals(9 + 3, launches.get(), "nine trials to the first rung, three on to the last");
        List<TrialRow> rows = halving.trials().stream().map(TrialOutcome::trial).toList();
        List<TrialRow> finished = rows.stream().filter(r -> r.status().equals("FINISHED")).toList();
        List<TrialRow> stopped = rows.stream().filter(r -> r.status().equals("STOPPED")).toList();
        assertEquals(3, finished.size(), rows.toString());
        assertEquals(6, stopped.size(), rows.toString());
        assertEquals(List.of(1L, 2L, 3L), finished.stream().map(TrialRow::seed).sorted().toList(), "one trial per seed goes on");
        for (TrialRow r : stopped) {
            assertEquals(1, r.epochsCompleted(), "stopped after the first rung");
            assertTrue(r.message().startsWith("stopped by successive halving after epoch 1: test_loss ranked"), r.message());
            RunInfo run = tracker.getRun(r.runId()).orElseThrow();
            assertEquals(RunStatus.KILLED, run.status(), "stopped, never FAILED");
            assertEquals("STOPPED", run.tags().get(RunNaming.TAG_STATUS));
            assertEquals("1", run.tags().get(RunNaming.TAG_RUNG));
            assertEquals(List.of(1L), tracker.metricHistory(r.runId(), "test_loss").stream().map(Metric::step).toList());
        }
        for (TrialRow r : finished) {
            RunInfo run = tracker.getRun(r.runId()).orElseThrow();
            assertEquals(RunStatus.FINISHED, run.status());
            assertEquals(List.of(1L, 2L, 3L), tracker.metricHistory(r.runId(), "test_loss").stream().map(Metric::step).toList(),
                    "the run that paused at epoch 1 goes on with epochs 2 and 3, each once");
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("successive halving: 6 of 9 trial(s) stopped (6 after epoch 1); 15 of the full grid's 27 epochs trained (56 %)"),
                out);

        InMemoryTracker full = new InMemoryTracker();
        SweepDriver.Outcome grid = run(full, "", new AtomicInteger());
        Comparator<TrialRow> byLoss = Comparator.comparingDouble(TrialRow::finalTestLoss);
        TrialRow best = grid.trials().stream().map(TrialOutcome::trial).min(byLoss).orElseThrow();
        TrialRow bestHalving = finished.stream().min(byLoss).orElseThrow();
        assertEquals(best.trialId(), bestHalving.trialId(), "the full grid's best trial survives the halving");
        assertEquals(best.finalTestLoss(), bestHalving.finalTestLoss(), 0.0, "and trains the same as in the full grid");

        AtomicInteger again = new AtomicInteger();
        SweepDriver.Outcome resubmitted = run(tracker, HALVING, again);
        assertEquals(0, again.get(), "finished and stopped trials are done");
        assertEquals(9, resubmitted.skipped());
        assertEquals(6, resubmitted.trials().stream().filter(o -> o.trial().status().equals("STOPPED")).count());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains(
                "9 trial(s) already done in MLflow (3 finished, 0 diverged, 6 stopped early): skipped"), printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aForcedHalvingSweepStartsOverAndHalvesAgain() {
        InMemoryTracker tracker = new InMemoryTracker();
        SweepDriver.Outcome first = run(tracker, HALVING, new AtomicInteger());
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome forced = run(tracker, HALVING, launches, true);
        assertEquals(9 + 3, launches.get());
        List<TrialRow> finished = forced.trials().stream().map(TrialOutcome::trial).filter(r -> r.status().equals("FINISHED")).toList();
        assertEquals(3, finished.size());
        for (TrialRow r : finished) {
            assertEquals(List.of(1L, 2L, 3L), tracker.metricHistory(r.runId(), "test_loss").stream().map(Metric::step).toList(),
                    "trained from epoch 0 again, paused at 1 and resumed in the same run");
            assertEquals("1", tracker.getRun(r.runId()).orElseThrow().tags().get(RunNaming.TAG_RESUMED_FROM));
        }
        TrialRow before = first.trials().stream().map(TrialOutcome::trial).filter(r -> r.status().equals("FINISHED"))
                .min(Comparator.comparingDouble(TrialRow::finalTestLoss)).orElseThrow();
        TrialRow after = finished.stream().min(Comparator.comparingDouble(TrialRow::finalTestLoss)).orElseThrow();
        assertEquals(before.trialId(), after.trialId());
        assertEquals(before.finalTestLoss(), after.finalTestLoss(), 0.0, "the same training again");
    }

    @Test
    void aHalvingSweepWhoseTrialsTrainDifferentEpochsIsRefusedBeforeAnyRun() {
        InMemoryTracker tracker = new InMemoryTracker();
        SweepSpec spec = SweepParser.parse("halving.yaml", SWEEP.replace("${early}", HALVING).replace("  epochs: 3\n", "")
                .replace("  lr: [0.002, 0.02, 0.2]", "  lr: [0.002, 0.02, 0.2]\n  epochs: [3, 4]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SweepDriver(null, tracker,
                new SweepDriver.Options("http://unused", dir.toString(), false, 1), new PrintStream(printed, true, StandardCharsets.UTF_8),
                (task, d) -> { throw new AssertionError("nothing runs"); }).run(spec));
        assertTrue(e.getMessage().startsWith("early_stopping needs every trial to train the same number of epochs"), e.getMessage());
        assertTrue(tracker.findExperiment("halving").isEmpty(), "no experiment, parent or trial run was made");
    }

    @Test
    void theRungsAndHowManyGoOn() {
        EarlyStopping rule = new EarlyStopping("test_accuracy", true, 1, 3, List.of());
        assertEquals(List.of(1, 3, 9, 20), rule.rungs(20));
        assertEquals(List.of(3), new EarlyStopping("test_accuracy", true, 3, 2, List.of()).rungs(3));
        assertEquals(3, rule.kept(9));
        assertEquals(1, rule.kept(2), "at least one per group");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepParser.parse("x.yaml", SWEEP.replace("${early}", HALVING.replace("reduction: 3", "reduction: 1"))));
        assertTrue(e.getMessage().contains("reduction must be at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SweepParser.parse("x.yaml", SWEEP.replace("${early}", HALVING.replace("metric: test_loss", "metric: wall_seconds"))));
        assertTrue(e.getMessage().contains("early_stopping metric 'wall_seconds' is not one of"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SweepParser.parse("x.yaml", SWEEP.replace("${early}", HALVING.replace("min_epochs", "min_epoch"))));
        assertTrue(e.getMessage().contains("unknown early_stopping key 'min_epoch'"), e.getMessage());
    }
}
