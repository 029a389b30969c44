package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerpipe.jobs.it.ItSweep.assertContains;
import static org.layerpipe.jobs.it.ItSweep.steps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * A successive-halving sweep of nine trials through {@code spark-submit} to the standalone cluster
 * and a real MLflow server: six trials end after the first rung as KILLED runs tagged STOPPED with
 * the rung, three go on from their checkpoints in the same runs and finish, the parent run counts
 * them apart from failures, the output states the compute spent against the full grid, and the
 * best trial is the one the full grid of the same nine trials finds.
 */
class SuccessiveHalvingIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 512
              data.test_limit: 128
              batch_size: 32
              epochs: 3
              partition: "[2,2]"
              weights: ema
              momentum: 0
            axes:
              seed: [1, 2, 3]
              lr: [0.002, 0.02, 0.2]
            early_stopping: {rule: successive-halving, metric: test_loss, mode: min, min_epochs: 1, reduction: 3, group_by: [seed]}
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // two spark-submits
    void nineTrialsHalveToThreeWithSixStoppedRuns() {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.write(dir, "it-halving", SWEEP);
        SparkSubmit submit = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", dir.resolve("out").toString(), "--tracking-uri", uri,
                        "--journal", dir.resolve("journal").toString());
        SparkSubmit.Result result = submit.run("halving", Duration.ofMinutes(6));
        assertEquals(0, result.exitCode(), () -> "spark-submit failed (" + result.log() + "):\n" + result.tail());
        assertContains(result.output(), "rung 1 of 2: 9 trial(s) to epoch 1");
        assertContains(result.output(), "rung 2 of 2: 3 trial(s) to epoch 3");
        assertContains(result.output(), "successive halving: 6 of 9 trial(s) stopped (6 after epoch 1); 15 of the full grid's 27 epochs trained");
        assertContains(result.output(), "3 of 9 trials finished, 6 stopped early");

        Map<String, List<RunInfo>> runs = sweep.trialRuns(mlflow);
        assertEquals(9, runs.size());
        long stopped = 0;
        for (List<RunInfo> trialRuns : runs.values()) {
            assertEquals(1, trialRuns.size(), () -> "one run per trial: " + trialRuns);
            RunInfo run = trialRuns.get(0);
            if (run.status() == RunStatus.KILLED) {
                stopped++;
                assertEquals("STOPPED", run.tags().get(RunNaming.TAG_STATUS), run.tags().toString());
                assertEquals("1", run.tags().get(RunNaming.TAG_RUNG));
                assertEquals(List.of(1L), steps(mlflow, run.runId(), "test_loss"));
            } else {
                assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
                assertEquals(List.of(1L, 2L, 3L), steps(mlflow, run.runId(), "test_loss"), "paused at epoch 1, then on in the same run");
            }
        }
        assertEquals(6, stopped);
        RunInfo parent = sweep.parentRuns(mlflow).get(0);
        assertEquals("6", parent.tags().get("layerpipe.trials_stopped"));
        assertEquals("0", parent.tags().get("layerpipe.trials_failed"));

        // the full grid of the same trials, in an experiment of its own (finished trials are found by id across one)
        String gridExperiment = "layerpipe-it-grid-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        ItSweep grid = ItSweep.write(dir, "it-grid", SWEEP.replace("experiment: layerpipe-it", "experiment: " + gridExperiment)
                .replaceAll("(?m)^early_stopping:.*$", ""));
        SparkSubmit.Result full = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job(grid.file.toString(), "--output", dir.resolve("grid").toString(), "--tracking-uri", uri,
                        "--journal", dir.resolve("journal-grid").toString())
                .run("grid", Duration.ofMinutes(6));
        assertEquals(0, full.exitCode(), () -> "the full grid failed (" + full.log() + "):\n" + full.tail());
        assertEquals(bestByFinalLoss(mlflow, runs), bestByFinalLoss(mlflow, grid.trialRuns(mlflow)),
                "the halving keeps the full grid's best trial");
    }

    /** The trial id whose run ended FINISHED with the lowest final test loss. */
    private static String bestByFinalLoss(MlflowRestTracker mlflow, Map<String, List<RunInfo>> runs) {
        String best = null;
        double lowest = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, List<RunInfo>> e : runs.entrySet()) {
            RunInfo run = e.getValue().get(0);
            Double loss = run.status() == RunStatus.FINISHED ? run.latestMetrics().get("test_loss") : null;
            if (loss != null && loss < lowest) {
                lowest = loss;
                best = e.getKey();
            }
        }
        return best;
    }
}
