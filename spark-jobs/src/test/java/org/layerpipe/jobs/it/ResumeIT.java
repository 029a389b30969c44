package org.layerpipe.jobs.it;

import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.layerpipe.jobs.it.ItSweep.assertContains;
import static org.layerpipe.jobs.it.ItSweep.oneTo;
import static org.layerpipe.jobs.it.ItSweep.steps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * A sweep whose driver is killed halfway (SIGKILL to spark-submit and its children) and then
 * submitted again: every trial ends FINISHED with exactly one live run and complete metric
 * histories — the half-run trial's partial run is replaced, not duplicated or appended to.
 */
class ResumeIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 2048
              data.test_limit: 128
              batch_size: 32
              epochs: 3
              partition: "[2,2]"
            axes:
              weights: [stash, ema]
              lr: [0.05, 0.02, 0.01]
            """;
    private static final List<String> ALWAYS = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy", "wall_seconds");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // several spark-submits; the 3-minute default is for unit tests
    void aKilledSweepResumesWithoutDuplicateRunsOrSteps() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.write(dir, "it-resume", SWEEP);
        // One trial at a time in local mode, so the kill lands between and inside trials.
        SparkSubmit submit = new SparkSubmit("local[2]").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", dir.resolve("out").toString(), "--tracking-uri", uri,
                        "--journal", dir.resolve("journal").toString(), "--concurrent-trials", "1");

        SparkSubmit.Started running = submit.start("resume-killed");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long finished = 0;
        while (finished < 2) {
            if (!running.process().isAlive()) {
                fail("the sweep ended before two trials had finished, so it could not be killed halfway; log "
                        + running.log() + ":\n" + running.output());
            }
            if (System.nanoTime() > deadline) {
                running.kill();
                fail("two trials did not finish within 3 minutes; log " + running.log());
            }
            Thread.sleep(250);
            finished = sweep.trialRuns(mlflow).values().stream().flatMap(List::stream)
                    .filter(r -> r.status() == RunStatus.FINISHED).count();
        }
        running.kill();
        long done = sweep.trialRuns(mlflow).values().stream().flatMap(List::stream).filter(r -> r.status() == RunStatus.FINISHED).count();
        assertTrue(done < sweep.trials.size(), "the kill came before the end of the sweep (" + done + " finished)");

        SparkSubmit.Result again = submit.run("resume-again", Duration.ofMinutes(4));
        assertEquals(0, again.exitCode(), () -> "the resumed sweep failed (" + again.log() + "):\n" + again.tail());
        assertContains(again.output(), "already done in MLflow");
        assertContains(again.output(), "6 of 6 trials finished");

        Map<String, List<RunInfo>> runs = sweep.trialRuns(mlflow);
        assertEquals(sweep.trials.size(), runs.size());
        for (Trial t : sweep.trials) {
            List<RunInfo> live = runs.get(t.trialId());
            assertEquals(1, live.size(), () -> "exactly one live run for trial " + t.index() + ", got " + live);
            RunInfo run = live.get(0);
            assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
            assertEquals("FINISHED", run.tags().get(RunNaming.TAG_STATUS));
            for (String key : ALWAYS) {
                assertEquals(oneTo(t.config().epochs()), steps(mlflow, run.runId(), key),
                        key + " of trial " + t.index() + ": every epoch once");
            }
        }
    }
}
