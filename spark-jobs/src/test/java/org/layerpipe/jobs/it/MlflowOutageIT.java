package org.layerpipe.jobs.it;

import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * The MLflow server goes away in the middle of a sweep and comes back once a trial has journaled
 * an epoch's metrics it could not deliver: no measurement is lost. With a 3 s retry budget the
 * trial's calls go to its journal during the outage and are replayed once the server answers
 * (the journal wait of 120 s gives the tasks time for it); afterwards MLflow holds exactly the
 * epochs the Parquet tables report. The outage lasts until the journal shows it was observed, not
 * a fixed time that the trials might outlast or not reach.
 */
class MlflowOutageIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it-outage
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 4096
              data.test_limit: 256
              batch_size: 32
              epochs: 4
              lr: 0.05
              partition: "[2,2]"
            axes:
              weights: [stash, ema]
            """;
    private static final List<String> COMPARED = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy", "wall_seconds");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // several spark-submits; the 3-minute default is for unit tests
    void metricsLoggedWhileTheServerIsDownArriveOnceItIsBack() throws Exception {
        ItEnvironment.sparkSubmit(); // fail early and clearly when the environment is missing
        try (OwnMlflowServer server = new OwnMlflowServer(dir.resolve("mlflow"))) {
            server.start();
            MlflowRestTracker mlflow = ItEnvironment.mlflow(server.uri());
            ItSweep sweep = ItSweep.write(dir, "it-outage", SWEEP);
            Path output = dir.resolve("out");
            SparkSubmit.Started running = new SparkSubmit("local[2]").conf("spark.task.cpus", "1")
                    .job(sweep.file.toString(), "--output", output.toString(), "--tracking-uri", server.uri(),
                            "--journal", dir.resolve("journal").toString(), "--concurrent-trials", "1",
                            "--tracking-retry", "3", "--journal-wait", "120")
                    .start("outage");

            // Wait until the first trial has logged an epoch, then take the server away.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (sweep.trialRuns(mlflow).values().stream().flatMap(List::stream)
                    .noneMatch(r -> r.latestMetrics().containsKey("test_accuracy"))) {
                if (!running.process().isAlive() || System.nanoTime() > deadline) {
                    running.kill();
                    fail("no trial logged an epoch before the sweep ended or 2 minutes passed; log " + running.log()
                            + ":\n" + running.output());
                }
                Thread.sleep(200);
            }
            server.stop();
            // Keep the server down until a trial has put an epoch's metrics into its journal: then the
            // outage certainly hit a trial's logging, however fast or slow the machine runs the trials.
            Path journals = dir.resolve("journal").resolve("tasks");
            deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!journaledEpochMetrics(journals)) {
                if (!running.process().isAlive() || System.nanoTime() > deadline) {
                    running.kill();
                    fail("no trial journaled an epoch's metrics while the server was down before the sweep ended or 3 minutes"
                            + " passed; log " + running.log() + ":\n" + running.output());
                }
                Thread.sleep(200);
            }
            assertTrue(running.process().isAlive(), "the sweep must still be running to replay its journal");
            server.start();

            SparkSubmit.Result result = running.await(Duration.ofMinutes(5));
            assertEquals(0, result.exitCode(), () -> "the sweep failed (" + result.log() + "):\n" + result.tail());

            List<Row> trials = ItSweep.read(output, ResultTables.TRIALS, ResultTables.trialSchema()).collectAsList();
            assertEquals(sweep.trials.size(), trials.size());
            Map<String, Integer> epochsOfRun = new HashMap<>();
            for (Row t : trials) {
                assertEquals("FINISHED", t.getAs("status"), t.toString());
                epochsOfRun.put(t.getAs("run_id"), t.<Integer>getAs("epochs_completed"));
                RunInfo run = mlflow.getRun(t.getAs("run_id")).orElseThrow();
                assertEquals(RunStatus.FINISHED, run.status(), "the run's end reached MLflow: " + run.tags());
                assertEquals("done", run.tags().get(RunNaming.TAG_STATE));
            }
            List<Row> epochs = ItSweep.read(output, ResultTables.EPOCHS, ResultTables.epochSchema()).collectAsList();
            assertEquals(epochsOfRun.values().stream().mapToInt(Integer::intValue).sum(), epochs.size());
            for (String key : COMPARED) {
                Map<String, Map<Long, Double>> logged = new HashMap<>();
                for (String runId : epochsOfRun.keySet()) {
                    Map<Long, Double> byStep = new HashMap<>();
                    List<Metric> history = mlflow.metricHistory(runId, key);
                    for (Metric m : history) {
                        byStep.put(m.step(), m.value());
                    }
                    assertEquals(epochsOfRun.get(runId), history.size(), key + " of run " + runId + ": one value per epoch, got " + history);
                    logged.put(runId, byStep);
                }
                String column = key; // table columns are the metric keys in snake_case
                for (Row e : epochs) {
                    String runId = e.getAs("run_id");
                    long epoch = e.<Integer>getAs("epoch");
                    double expected = e.<Double>getAs(column);
                    Double actual = logged.get(runId).get(epoch);
                    assertTrue(actual != null, key + " of epoch " + epoch + " of run " + runId + " is missing in MLflow");
                    assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), key + " of epoch " + epoch + " of run " + runId);
                }
            }
            RunInfo parent = sweep.parentRuns(mlflow).get(0);
            assertEquals(RunStatus.FINISHED, parent.status());
            assertEquals(String.valueOf(sweep.trials.size()), parent.tags().get("layerpipe.trials_finished"));
        }
    }

    /** Whether any trial's journal holds a metrics call with a test accuracy (an epoch's end) not yet delivered. */
    private static boolean journaledEpochMetrics(Path journals) throws IOException {
        if (!Files.isDirectory(journals)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(journals)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))::iterator) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(f);
                } catch (NoSuchFileException replayedAndRemoved) {
                    continue;
                }
                if (lines.stream().anyMatch(l -> l.contains("\"op\":\"metrics\"") && l.contains("\"test_accuracy\""))) {
                    return true;
                }
            }
        } catch (UncheckedIOException walkRace) {
            // a journal file or folder went away while walking: look again at the next poll
            return false;
        }
        return false;
    }
}
