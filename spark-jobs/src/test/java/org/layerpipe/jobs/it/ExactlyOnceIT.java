package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.layerpipe.jobs.it.ItSweep.assertContains;
import static org.layerpipe.jobs.it.ItSweep.oneTo;
import static org.layerpipe.jobs.it.ItSweep.steps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * Exactly-once run bookkeeping across the real boundaries: a task attempt killed with its
 * executor on the standalone cluster and retried while the MLflow server is down, and a
 * {@code --force} re-submission whose re-run fails.
 */
class ExactlyOnceIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it-exactly-once
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 4096
              data.test_limit: 256
              batch_size: 32
              epochs: 3
              lr: 0.05
              partition: "[2,2]"
            axes:
              weights: [stash]
            """;
    private static final List<String> ALWAYS = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy", "wall_seconds");
    private static final Pattern APP_ID = Pattern.compile("app ID (app-[0-9-]+)");
    private static final Pattern FIRST_ATTEMPT = Pattern.compile("Starting task 0\\.0 in stage \\S+ \\(TID \\d+\\) \\([^,]+,\\s*executor (\\d+)");
    private static final Pattern RETRY = Pattern.compile("Starting task 0\\.[1-9]\\d* in stage");

    @TempDir
    Path dir;

    /**
     * Attempt 0 trains and logs its first epoch, then its executor is killed with the server
     * down; attempt 1 starts while the server is still down, and the server comes back only
     * after longer than one call's retry budget. The retry waits for the server, finds the run the
     * killed attempt started and the trial's epoch checkpoint, and goes on in that run from the
     * checkpoint: the trial ends with one run holding each epoch once.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aRetryStartingWhileMlflowIsDownLogsEachEpochOnceInOneRun() throws Exception {
        ItEnvironment.sparkSubmit();
        try (OwnMlflowServer server = new OwnMlflowServer(dir.resolve("mlflow"))) {
            server.start();
            MlflowRestTracker mlflow = ItEnvironment.mlflow(server.uri());
            ItSweep sweep = ItSweep.write(dir, "it-retry-down", SWEEP);
            SparkSubmit.Started running = new SparkSubmit(ItEnvironment.masterUrl())
                    .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                    .job(sweep.file.toString(), "--output", dir.resolve("out").toString(), "--tracking-uri", server.uri(),
                            "--journal", dir.resolve("journal").toString(), "--tracking-retry", "3", "--journal-wait", "120")
                    .start("retry-while-down");

            waitFor(running, Duration.ofMinutes(3), "the first attempt to log an epoch", () -> sweep.trialRuns(mlflow).values().stream()
                    .flatMap(List::stream).anyMatch(r -> r.latestMetrics().containsKey("test_accuracy")));
            String killedRun = sweep.trialRuns(mlflow).values().iterator().next().get(0).runId();
            server.stop();
            String log = running.output();
            Matcher app = APP_ID.matcher(log);
            Matcher first = FIRST_ATTEMPT.matcher(log);
            assertTrue(app.find() && first.find(), () -> "no app id or first task attempt in the driver's log " + running.log());
            String executorArgs = "--executor-id " + first.group(1) + " ";
            List<ProcessHandle> executors = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(app.group(1)) && c.contains(executorArgs))
                    .orElse(false)).toList();
            assertEquals(1, executors.size(), () -> "the executor running the trial (" + executorArgs + "of " + app.group(1) + ")");
            executors.get(0).destroyForcibly();

            waitFor(running, Duration.ofMinutes(2), "Spark to start a retry of the task", () -> RETRY.matcher(running.output()).find());
            Thread.sleep(8_000); // longer than the 3 s a call retries: a retry that does not wait for the server has given up by now
            server.start();

            SparkSubmit.Result result = running.await(Duration.ofMinutes(4));
            assertEquals(0, result.exitCode(), () -> "the sweep failed (" + result.log() + "):\n" + result.tail());
            assertContains(result.output(), "1 of 1 trials finished");
            Trial t = sweep.trials.get(0);
            List<RunInfo> runs = sweep.trialRuns(mlflow).get(t.trialId());
            assertEquals(1, runs.size(), () -> "one live run, got " + runs);
            RunInfo run = runs.get(0);
            assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
            assertEquals(killedRun, run.runId(), "the retry resumed in the killed attempt's run");
            assertTrue(Integer.parseInt(run.tags().getOrDefault(RunNaming.TAG_RESUMED_FROM, "0")) >= 1,
                    "from a checkpoint of epoch 1 or later: " + run.tags());
            assertTrue(Integer.parseInt(run.tags().get(RunNaming.TAG_ATTEMPT)) >= 1, "a retry trained it: " + run.tags());
            for (String key : ALWAYS) {
                assertEquals(oneTo(t.config().epochs()), steps(mlflow, run.runId(), key), key + ": every epoch once");
            }
        }
    }

    /**
     * A finished trial re-submitted with {@code --force} whose re-run fails (its data moved away:
     * same trial id, unreadable): the finished run stays in MLflow and in the tables.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aForcedReRunThatFailsKeepsTheFinishedRun() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        String yaml = SWEEP.replace("data.train_limit: 4096", "data.train_limit: 512").replace("epochs: 3", "epochs: 1")
                .replace("data: synthetic", "data: fashion-mnist\n  data.path: ${path}");
        ItSweep sweep = ItSweep.write(dir, "it-force-fails", yaml.replace("${path}", "/usr/share/datasets/fashion-mnist"));
        Path output = dir.resolve("out");
        SparkSubmit.Result first = submit(sweep.file, output, uri).run("force-first", Duration.ofMinutes(3));
        assertEquals(0, first.exitCode(), () -> "spark-submit failed (" + first.log() + "):\n" + first.tail());
        assertContains(first.output(), "1 of 1 trials finished");
        Trial t = sweep.trials.get(0);
        RunInfo finished = sweep.trialRuns(mlflow).get(t.trialId()).get(0);
        assertEquals(RunStatus.FINISHED, finished.status());

        Path moved = dir.resolve("moved.yaml"); // the same sweep and trial ids: data.path is not part of a trial's id
        Files.writeString(moved, yaml.replace("${name}", sweep.name()).replace("${path}", dir.resolve("gone").toString()));
        SparkSubmit.Result forced = submit(moved, output, uri).job("--force").run("force-fails", Duration.ofMinutes(3));
        assertEquals(0, forced.exitCode(), () -> "spark-submit failed (" + forced.log() + "):\n" + forced.tail());
        assertContains(forced.output(), "the forced re-run of trial 0 ended FAILED; its earlier finished run " + finished.runId() + " is kept");

        RunInfo kept = mlflow.getRun(finished.runId()).orElseThrow(() -> new AssertionError("the finished run was deleted"));
        assertEquals(RunStatus.FINISHED, kept.status());
        assertEquals(oneTo(1), steps(mlflow, kept.runId(), "test_accuracy"));
        List<Row> trials = ItSweep.read(output, ResultTables.TRIALS, ResultTables.trialSchema()).collectAsList();
        assertEquals(1, trials.size());
        assertEquals("FINISHED", trials.get(0).getAs("status"));
        assertEquals(finished.runId(), trials.get(0).getAs("run_id"));
    }

    private static SparkSubmit submit(Path sweepFile, Path output, String uri) {
        return new SparkSubmit("local[2]").conf("spark.task.cpus", "1")
                .job(sweepFile.toString(), "--output", output.toString(), "--tracking-uri", uri);
    }

    private static void waitFor(SparkSubmit.Started running, Duration timeout, String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!running.process().isAlive() || System.nanoTime() > deadline) {
                running.kill();
                fail("waited in vain for " + what + " (the sweep ended, or " + timeout.toSeconds() + " s passed); log " + running.log()
                        + ":\n" + running.output());
            }
            Thread.sleep(250);
        }
    }
}
