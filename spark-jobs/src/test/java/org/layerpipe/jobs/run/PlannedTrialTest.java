package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.plan.PartitionSearch;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * Planned trials ({@code plan: true}) through the sweep driver and the task's code with the
 * in-memory tracker: simulated, not trained, logged and tabled like trained trials.
 */
class PlannedTrialTest {

    /** ResNet-18 on CIFAR-100 shapes: no CIFAR files exist here, and a planned trial reads none. */
    private static final String SWEEP = """
            name: plans
            experiment: plans-test
            base:
              plan: true
              model: resnet18
              data: cifar100
              data.path: /nowhere/cifar-100-binary
              batch_size: 128
              epochs: 200
            axes:
              partition: [balanced:4, balanced:8]
            zip:
              - schedule:     [layerpipe2, gpipe]
                microbatches: [1, 4]
            """;

    private final InMemoryTracker tracker = new InMemoryTracker();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private SweepDriver.Outcome run(String yaml, AtomicInteger launches) {
        SweepSpec spec = SweepParser.parse("plans.yaml", yaml);
        return new SweepDriver(null, tracker, new SweepDriver.Options("http://unused", "/tmp/unused", false, 2),
                new PrintStream(printed, true, StandardCharsets.UTF_8), (task, description) -> {
                    launches.incrementAndGet();
                    return TrialRunner.run(task, tracker, 0, List.of());
                }).run(spec);
    }

    @Test
    void plannedTrialsAreSimulatedLoggedAsFinishedPlannedRunsAndTabled() {
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome o = run(SWEEP, launches);
        assertEquals(4, o.trials().size());
        assertEquals(4, launches.get());
        List<RunInfo> runs = tracker.searchRuns(o.experimentId(), "tags.`layerpipe.role` = 'trial'");
        assertEquals(4, runs.size());
        for (TrialOutcome outcome : o.trials()) {
            TrialRow row = outcome.trial();
            assertEquals("PLANNED", row.status(), row.message());
            assertTrue(row.planned());
            assertTrue(outcome.epochs().isEmpty(), "no epochs");
            assertEquals(0, row.epochsCompleted());
            assertTrue(Double.isNaN(row.finalTestAccuracy()), "no accuracy");
            RunInfo run = tracker.getRun(row.runId()).orElseThrow();
            assertEquals(o.parentRunId(), run.parentRunId());
            assertEquals(RunStatus.FINISHED, run.status());
            assertEquals("true", run.tags().get(RunNaming.TAG_PLANNED));
            assertEquals("PLANNED", run.tags().get(RunNaming.TAG_STATUS));
            assertEquals("true", run.params().get("plan"));
            assertEquals("", run.params().get("checkpoint.dir"), "a planned trial gets no checkpoint folder");
            assertTrue(run.tags().get(RunNaming.TAG_NOTE).startsWith("**planned** (simulated, not trained): resnet18 on "),
                    run.tags().get(RunNaming.TAG_NOTE));
            assertTrue(tracker.inputs(row.runId()).isEmpty(), "no data was read");
            assertTrue(tracker.artifactPaths(row.runId()).isEmpty(), "no checkpoints, no epoch artifacts");

            // the figures are the planner's for the trial's settings, in MLflow and in the row alike
            TrialConfig config = TrialConfig.fromParams(run.params());
            ScheduleKind kind = config.schedule();
            int devices = config.partition().numStages();
            PartitionSearch.Plan best = PartitionSearch.best(TrialPlanner.model(config), kind, devices, config.microbatches(), 128,
                    BlockCosts.estimated(TrialPlanner.model(config), 10), config.plan().link());
            Map<String, Double> m = run.latestMetrics();
            assertEquals(best.simulation().secondsPerMinibatch(), m.get("predicted_seconds_per_minibatch"), 1e-12);
            assertEquals(best.simulation().secondsPerMinibatch(), row.predictedSecondsPerMinibatch(), 1e-12);
            assertEquals(best.simulation().samplesPerSecond(128), row.predictedSamplesPerSecond(), 1e-6);
            assertEquals(best.simulation().bubble(), m.get("predicted_bubble"), 1e-12);
            assertEquals(best.partition().toString(), run.tags().get(RunNaming.TAG_PARTITION));
            assertEquals(best.partition().toString(), row.partitionResolved());
            assertEquals(devices, row.numStages());
            assertEquals(devices, row.devices());
            assertEquals((double) devices, m.get("predicted_devices"));
            assertEquals(devices, row.predictedDeviceActivationBytes().length);
            assertEquals(devices, row.predictedStageStaleness().length);
            for (int s = 0; s < devices; s++) {
                double delay = kind.stageDelays(best.partition())[s];
                assertEquals(delay, m.get(RunNaming.PREDICTED_STALENESS + s));
                assertEquals(delay, row.predictedStageStaleness()[s]);
                assertEquals(row.predictedStageHistoryBytesStash()[s], m.get(RunNaming.PREDICTED_STASH + s));
                assertEquals(row.predictedDeviceActivationBytes()[s], m.get(RunNaming.PREDICTED_ACTIVATION + s));
                assertEquals(best.simulation().peakActivationBytes(s, best.costs().activationBytes()),
                        row.predictedDeviceActivationBytes()[s]);
            }
            assertEquals(0.0, m.get("predicted_history_bytes_latest"));
            assertEquals("estimated", row.planCosts());
            assertEquals(100.0, row.planLinkGbps());
            if (kind == ScheduleKind.LAYERPIPE2) {
                assertEquals(2.0 * (devices - 1), row.predictedStageStaleness()[0]);
                assertTrue(row.predictedHistoryBytesStash() > row.predictedHistoryBytesEma() && row.predictedHistoryBytesEma() > 0);
            } else {
                assertEquals(0L, row.predictedHistoryBytesStash(), "GPipe is never stale");
            }
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(": PLANNED — predicted ") && out.contains(" samples/s, bubble "), out);
        assertTrue(out.contains("0 failed"), out);
    }

    @Test
    void aResubmissionSkipsPlannedTrialsAndRebuildsTheirRowsFromTheirRuns() {
        SweepDriver.Outcome first = run(SWEEP, new AtomicInteger());
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome again = run(SWEEP, launches);
        assertEquals(0, launches.get(), "a planned trial is done");
        assertEquals(4, again.skipped());
        for (int i = 0; i < 4; i++) {
            TrialRow a = first.trials().get(i).trial();
            TrialRow b = again.trials().get(i).trial();
            assertEquals(a.trialId(), b.trialId());
            assertEquals("PLANNED", b.status());
            assertTrue(b.planned());
            assertEquals(a.predictedSecondsPerMinibatch(), b.predictedSecondsPerMinibatch());
            assertEquals(a.predictedPeakActivationBytes(), b.predictedPeakActivationBytes());
            assertEquals(a.predictedHistoryBytesEma(), b.predictedHistoryBytesEma());
            assertEquals(a.partitionResolved(), b.partitionResolved());
            assertArrayEquals(a.predictedDeviceBusy(), b.predictedDeviceBusy());
            assertArrayEquals(a.predictedStageWeightBytes(), b.predictedStageWeightBytes());
            assertEquals(a.predictedCriticalPathEvents(), b.predictedCriticalPathEvents());
        }
    }

    @Test
    void aPlannedAndATrainedTrialOfTheSameSettingsAreTwoTrialsAndOnlyThePlannedOneIsSimulated() {
        String mixed = """
                name: mixed
                experiment: plans-test
                base:
                  model: mlp
                  model.hidden: "16"
                  data: synthetic
                  data.train_limit: 128
                  data.test_limit: 64
                  batch_size: 32
                  partition: "[2,2]"
                axes:
                  plan: [false, true]
                """;
        SweepDriver.Outcome o = run(mixed, new AtomicInteger());
        assertEquals(2, o.trials().size());
        TrialRow trained = o.trials().get(0).trial();
        TrialRow planned = o.trials().get(1).trial();
        assertEquals("FINISHED", trained.status(), trained.message());
        assertTrue(!trained.planned() && trained.predictedSamplesPerSecond() == null && trained.planCosts() == null);
        assertEquals(1, o.trials().get(0).epochs().size());
        assertEquals("PLANNED", planned.status());
        assertTrue(planned.predictedSamplesPerSecond() > 0);
        assertTrue(!trained.trialId().equals(planned.trialId()));
        assertNull(tracker.getRun(planned.runId()).orElseThrow().latestMetrics().get("test_accuracy"));
    }

    @Test
    void aSetupThePlannerCannotRunEndsFailedWithTheReasonAndTheSweepGoesOn() {
        // a setup the expansion would have refused, handed to the task directly (as by a task built elsewhere)
        SweepSpec spec = SweepParser.parse("plans.yaml", SWEEP);
        AtomicInteger launches = new AtomicInteger();
        SweepDriver.Outcome o = new SweepDriver(null, tracker, new SweepDriver.Options("http://unused", "/tmp/unused", false, 1),
                new PrintStream(printed, true, StandardCharsets.UTF_8), (task, description) -> {
                    launches.incrementAndGet();
                    Map<String, String> params = new java.util.LinkedHashMap<>(task.params());
                    if (task.trialIndex() == 1) {
                        params.put("partition", "balanced:15");
                        params.put("schedule", "interleaved-1f1b");
                    }
                    return TrialRunner.run(new TrialTask(task.sweepName(), task.sweepId(), task.trialIndex(), task.trialId(), params,
                            task.runName(), task.runId(), task.experimentId(), task.parentRunId(), task.trackingUri(), task.journalDir(),
                            task.trackingRetry(), task.journalWait(), task.varied(), task.sourceTags(), task.replaces()), tracker, 0, List.of());
                }).run(spec);
        TrialRow failed = o.trials().get(1).trial();
        assertEquals("FAILED", failed.status());
        assertEquals("the planner cannot simulate this trial: interleaved 1F1B on 15 devices needs 30 stages (2 chunks each) but the"
                + " model has 15 blocks", failed.message());
        RunInfo run = tracker.getRun(failed.runId()).orElseThrow();
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals(failed.message(), run.tags().get(RunNaming.TAG_FAILURE));
        assertEquals(3, o.trials().stream().filter(t -> "PLANNED".equals(t.trial().status())).count());
    }
}
