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
 * A sweep whose driver is killed halfway (SIGKILL to spark-submit and its children) while a trial
 * is in its third epoch, and then submitted again: every trial ends FINISHED with exactly one live run
 * and complete metric histories, and the half-run trial resumes from its epoch checkpoint (under the
 * sweep's output folder by default) in the run it had, logging each epoch once.
 */
class ResumeIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it
            base:
              model: mlp
              model.hidden: "512,512"     # 2-3 s per epoch here: time to see a trial between epochs and kill it there
              data: synthetic
              data.train_limit: 8192
              data.test_limit: 128
              batch_size: 32
              epochs: 3
              partition: "[2,3]"
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
        RunInfo halfRun = null;
        int halfRunEpochs = 0;
        while (halfRun == null) {
            if (!running.process().isAlive()) {
                fail("the sweep ended before it could be killed in a trial's third epoch; log "
                        + running.log() + ":\n" + running.output());
            }
            if (System.nanoTime() > deadline) {
                running.kill();
                fail("no trial was in its third epoch after one had finished, within 3 minutes; log " + running.log());
            }
            Thread.sleep(100);
            List<RunInfo> all = sweep.trialRuns(mlflow).values().stream().flatMap(List::stream).toList();
            if (all.stream().noneMatch(r -> r.status() == RunStatus.FINISHED)) {
                continue;
            }
            for (RunInfo r : all) {
                int logged = r.status() == RunStatus.FINISHED ? 0 : steps(mlflow, r.runId(), "test_accuracy").size();
                if (logged == 2) { // in its third (last) epoch
                    halfRun = r;
                    halfRunEpochs = logged;
                }
            }
        }
        running.kill();
        long done = sweep.trialRuns(mlflow).values().stream().flatMap(List::stream).filter(r -> r.status() == RunStatus.FINISHED).count();
        assertTrue(done < sweep.trials.size(), "the kill came before the end of the sweep (" + done + " finished)");

        SparkSubmit.Result again = submit.run("resume-again", Duration.ofMinutes(4));
        assertEquals(0, again.exitCode(), () -> "the resumed sweep failed (" + again.log() + "):\n" + again.tail());
        assertContains(again.output(), "already done in MLflow");
        assertContains(again.output(), "6 of 6 trials finished");
        assertContains(again.output(), "resumes from its epoch-");
        assertContains(again.output(), " checkpoint in run " + halfRun.runId());
        RunInfo resumed = mlflow.getRun(halfRun.runId()).orElseThrow(() -> new AssertionError("the half-run trial's run was deleted"));
        assertEquals(RunStatus.FINISHED, resumed.status());
        int from = Integer.parseInt(resumed.tags().getOrDefault(RunNaming.TAG_RESUMED_FROM, "0"));
        assertTrue(from >= halfRunEpochs && from <= 3, "resumed from epoch " + from + " after " + halfRunEpochs + " logged epochs");

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
