package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerpipe.jobs.it.ItSweep.assertContains;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.core.weights.WeightMode;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * A sweep of planned trials ({@code plan: true}) end to end: spark-submit of the shaded jar on the
 * standalone cluster, each trial simulated in its executor and logged as a FINISHED child run with
 * the planner's figures, every trial a PLANNED row of the trials table with its predictions; then
 * the same sweep again, which finds them done.
 */
class PlanSweepIT {

    /** ResNet-18 on CIFAR-100 shapes over 2 and 4 devices, five schedules; the data folder does not exist. */
    private static final String SWEEP = """
            name: ${name}
            experiment: it-plans-%s
            base:
              plan: true
              model: resnet18
              data: cifar100
              data.path: /nowhere/cifar-100-binary
              batch_size: 128
              plan.link_gbps: 25
            axes:
              partition: [balanced:2, balanced:4]
            zip:
              - schedule:     [layerpipe2, 1f1b, gpipe, zb-h1, interleaved-1f1b]
                microbatches: [1,          1,    4,     4,     4]
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // two spark-submits; the 3-minute default is for unit tests
    void plannedTrialsRunThroughSparkSubmitAndLandInMlflowAndTheTables() {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.write(dir, "it-plans", SWEEP.formatted(UUID.randomUUID().toString().substring(0, 8)));
        assertEquals(10, sweep.trials.size());
        Path output = dir.resolve("out");
        SparkSubmit submit = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", output.toString(), "--tracking-uri", uri, "--journal", dir.resolve("journal").toString());

        SparkSubmit.Result first = submit.run("plan-sweep", Duration.ofMinutes(4));
        assertEquals(0, first.exitCode(), () -> "spark-submit failed (" + first.log() + "):\n" + first.tail());
        assertContains(first.output(), "0 of 10 trials finished, 10 planned (simulated, not trained) (0 skipped as already done)");
        assertContains(first.output(), ": PLANNED — predicted ");

        List<RunInfo> parents = sweep.parentRuns(mlflow);
        assertEquals(1, parents.size());
        RunInfo parent = parents.get(0);
        assertEquals(RunStatus.FINISHED, parent.status());
        assertEquals("10", parent.tags().get("layerpipe.trials_planned"));
        assertEquals(0.0, parent.latestMetrics().get("trials_failed"), "planned trials are not failures");
        assertEquals(10.0, parent.latestMetrics().get("trials_planned"));

        Map<String, List<RunInfo>> runs = sweep.trialRuns(mlflow);
        assertEquals(10, runs.size(), "a child run for every trial");
        Map<String, RunInfo> runOf = new HashMap<>();
        for (Trial t : sweep.trials) {
            List<RunInfo> forTrial = runs.get(t.trialId());
            assertEquals(1, forTrial.size(), () -> "trial " + t.index() + " has one run, got " + forTrial);
            RunInfo run = forTrial.get(0);
            runOf.put(t.trialId(), run);
            assertEquals(parent.runId(), run.parentRunId());
            assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
            assertEquals("true", run.tags().get(RunNaming.TAG_PLANNED));
            assertEquals("PLANNED", run.tags().get(RunNaming.TAG_STATUS));
            assertEquals(t.config().toParams(), run.params(), "every setting a param, and no checkpoint folder");
            assertEquals("0", run.tags().get(RunNaming.TAG_ATTEMPT));

            // estimated costs are deterministic: the executor's figures are the planner's here
            Prediction p = TrialPlanner.plan(t.config(), () -> null);
            Map<String, Double> m = run.latestMetrics();
            assertEquals(p.secondsPerMinibatch(), m.get("predicted_seconds_per_minibatch"), 1e-12 * p.secondsPerMinibatch());
            assertEquals(p.samplesPerSecond(), m.get("predicted_samples_per_second"), 1e-9 * p.samplesPerSecond());
            assertEquals(p.bubble(), m.get("predicted_bubble"), 1e-12);
            assertEquals((double) p.devices(), m.get("predicted_devices"));
            assertEquals(p.partition().toString(), run.tags().get(RunNaming.TAG_PARTITION));
            for (int s = 0; s < p.partition().numStages(); s++) {
                assertEquals((double) p.stageStaleness()[s], m.get(RunNaming.PREDICTED_STALENESS + s), "staleness of stage " + s);
                assertEquals((double) p.stageHistoryBytes(WeightMode.STASH)[s], m.get(RunNaming.PREDICTED_STASH + s));
                assertEquals((double) p.stageHistoryBytes(WeightMode.EMA)[s], m.get(RunNaming.PREDICTED_EMA + s));
            }
            for (int d = 0; d < p.devices(); d++) {
                assertEquals((double) p.deviceActivationBytes()[d], m.get(RunNaming.PREDICTED_ACTIVATION + d), "device " + d);
            }
            assertTrue(!m.containsKey("test_accuracy") && !m.containsKey("samples_per_second"), "nothing was trained: " + m.keySet());
        }

        assertTables(output, sweep, runOf);

        // Again: every planned trial is done in MLflow, nothing runs, the tables are rebuilt from the runs.
        SparkSubmit.Result second = submit.run("plan-sweep-again", Duration.ofMinutes(4));
        assertEquals(0, second.exitCode(), () -> "second spark-submit failed (" + second.log() + "):\n" + second.tail());
        assertContains(second.output(), "10 trial(s) already done in MLflow (0 finished, 0 diverged, 10 planned): skipped");
        assertEquals(10, sweep.trialRuns(mlflow).values().stream().mapToInt(List::size).sum(), "no second run of any trial");
        assertTables(output, sweep, runOf);
    }

    private static void assertTables(Path output, ItSweep sweep, Map<String, RunInfo> runOf) {
        List<Row> rows = ItSweep.read(output, ResultTables.TRIALS, ResultTables.trialSchema()).collectAsList();
        assertEquals(10, rows.size(), "one row per trial");
        for (Row r : rows) {
            RunInfo run = runOf.get(r.<String>getAs("trial_id"));
            assertEquals(run.runId(), r.<String>getAs("run_id"));
            assertEquals(sweep.name(), r.<String>getAs("sweep_name"));
            assertEquals(sweep.trials.get(r.<Integer>getAs("trial_index")).trialId(), r.<String>getAs("trial_id"));
            assertEquals("PLANNED", r.<String>getAs("status"));
            assertEquals(true, r.<Boolean>getAs("planned"));
            assertEquals(25.0, r.<Double>getAs("plan_link_gbps"));
            assertEquals(run.tags().get(RunNaming.TAG_PARTITION), r.<String>getAs("partition_resolved"));
            assertEquals(run.latestMetrics().get("predicted_samples_per_second"), r.<Double>getAs("predicted_samples_per_second"));
            assertEquals(run.latestMetrics().get("predicted_bubble"), r.<Double>getAs("predicted_bubble"));
            assertEquals(run.latestMetrics().get("predicted_devices").intValue(), r.<Integer>getAs("devices"));
            assertEquals(run.latestMetrics().get("predicted_history_bytes_stash").longValue(), r.<Long>getAs("predicted_history_bytes_stash"));
            assertEquals(r.<Integer>getAs("devices"), r.getList(r.fieldIndex("predicted_device_activation_bytes")).size());
            assertEquals(0, r.<Integer>getAs("epochs_completed"));
        }
        assertEquals(0, ItSweep.read(output, ResultTables.EPOCHS, ResultTables.epochSchema()).count(), "a planned trial has no epochs");
    }
}
