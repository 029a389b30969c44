package org.layerpipe.jobs.it;

import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerpipe.jobs.it.ItSweep.assertContains;
import static org.layerpipe.jobs.it.ItSweep.oneTo;
import static org.layerpipe.jobs.it.ItSweep.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * The main job end to end: spark-submit of the shaded jar on the standalone cluster, checked
 * through MLflow's REST API and the Parquet tables; then the same sweep again, which must find
 * its finished trials in MLflow instead of running them twice.
 */
class SweepSubmitIT {

    /** Metrics every finished epoch has (the others depend on weights mode and stages). */
    private static final List<String> ALWAYS = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy",
            "samples_per_second", "wall_seconds", "learning_rate");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // several spark-submits; the 3-minute default is for unit tests
    void aSweepOnTheClusterLogsEveryTrialAndWritesItsTables() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.fromResource(dir, "tiny.yaml"); // 4 trials, 2 epochs; lr 1e12 diverges
        Path output = dir.resolve("out");
        SparkSubmit submit = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", output.toString(), "--tracking-uri", uri, "--journal", dir.resolve("journal").toString());

        SparkSubmit.Result first = submit.run("submit-first", Duration.ofMinutes(4));
        assertEquals(0, first.exitCode(), () -> "spark-submit failed (" + first.log() + "):\n" + first.tail());
        assertContains(first.output(), "2 of 4 trials finished");

        List<RunInfo> parents = sweep.parentRuns(mlflow);
        assertEquals(1, parents.size(), "one parent run per sweep");
        RunInfo parent = parents.get(0);
        assertEquals(RunStatus.FINISHED, parent.status());
        assertEquals("2", parent.tags().get("layerpipe.trials_finished"));

        Map<String, List<RunInfo>> runs = sweep.trialRuns(mlflow);
        assertEquals(sweep.trials.size(), runs.size(), "a child run for every trial");
        Map<String, String> runIds = new HashMap<>();
        int epochs = 0;
        for (Trial t : sweep.trials) {
            List<RunInfo> forTrial = runs.get(t.trialId());
            assertEquals(1, forTrial.size(), () -> "trial " + t.index() + " has one live run, got " + forTrial);
            RunInfo run = forTrial.get(0);
            runIds.put(t.trialId(), run.runId());
            assertEquals(parent.runId(), run.parentRunId(), "child of the sweep's run (mlflow.parentRunId)");
            assertEquals(t.config().toParams(), run.params(), "every setting of the trial is a param");
            boolean diverges = t.config().optimizer().lr() > 1e6;
            if (diverges) {
                assertEquals(RunStatus.FAILED, run.status());
                assertEquals("DIVERGED", run.tags().get(RunNaming.TAG_STATUS));
                assertTrue(run.tags().get(RunNaming.TAG_FAILURE).startsWith("diverged in epoch 1"), run.tags().toString());
            } else {
                assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
                for (String key : ALWAYS) {
                    assertEquals(oneTo(t.config().epochs()), steps(mlflow, run.runId(), key), key + " of trial " + t.index());
                }
                epochs += t.config().epochs();
            }
            String experimentId = mlflow.experimentId(sweep.spec.experiment());
            String properties = artifact(uri, experimentId, run.runId(), "trial.properties");
            t.config().toParams().forEach((k, v) -> assertContains(properties, k + "=" + v));
            String csv = artifact(uri, experimentId, run.runId(), "epochs.csv");
            assertEquals(1 + (diverges ? 0 : t.config().epochs()), csv.strip().split("\n").length, csv);
            JsonNode provenance = new ObjectMapper().readTree(artifact(uri, experimentId, run.runId(), "provenance.json"));
            assertTrue(provenance.isObject() && provenance.size() > 0, provenance.toString());
        }
        assertTables(output, sweep, runIds, epochs);

        // Again: finished trials are found in MLflow, not run again; the tables are complete anyway.
        SparkSubmit.Result second = submit.run("submit-again", Duration.ofMinutes(4));
        assertEquals(0, second.exitCode(), () -> "second spark-submit failed (" + second.log() + "):\n" + second.tail());
        assertContains(second.output(), "2 trial(s) already finished in MLflow: skipped");
        assertEquals(List.of(parent.runId()), sweep.parentRuns(mlflow).stream().map(RunInfo::runId).toList());
        Map<String, List<RunInfo>> again = sweep.trialRuns(mlflow);
        for (Trial t : sweep.trials) {
            List<RunInfo> forTrial = again.get(t.trialId());
            assertEquals(1, forTrial.size(), () -> "still one live run for trial " + t.index() + ", got " + forTrial);
            if (forTrial.get(0).status() == RunStatus.FINISHED) {
                assertEquals(runIds.get(t.trialId()), forTrial.get(0).runId(), "a finished trial keeps its run");
            } else {
                // Failed trials run again (SweepDriver's resume rule); the new attempt replaces the old run.
                runIds.put(t.trialId(), forTrial.get(0).runId());
            }
        }
        assertTables(output, sweep, runIds, epochs);

        // ExportRuns rebuilds the same tables from MLflow alone.
        Path exported = dir.resolve("exported");
        SparkSubmit export = new SparkSubmit(ItEnvironment.masterUrl()).mainClass(org.layerpipe.jobs.ExportRuns.class.getName())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job("--experiment", sweep.spec.experiment(), "--sweep-id", parent.tags().get(RunNaming.TAG_SWEEP_ID),
                        "--output", exported.toString(), "--tracking-uri", uri); // other ITs share the experiment
        SparkSubmit.Result exportRun = export.run("export-runs", Duration.ofMinutes(3));
        assertEquals(0, exportRun.exitCode(), () -> "ExportRuns failed (" + exportRun.log() + "):\n" + exportRun.tail());
        assertSameTables(output, exported);
    }

    /** Same trials, runs, statuses and final metrics; same epoch rows with the same test metrics. */
    private static void assertSameTables(Path own, Path exported) {
        String[] trialColumns = {"trial_index", "trial_id", "run_id", "status", "message", "partition_resolved", "epochs_completed",
                "final_test_accuracy", "final_test_loss", "samples_per_second", "history_bytes"};
        assertEquals(sorted(own, ResultTables.TRIALS, ResultTables.trialSchema(), trialColumns),
                sorted(exported, ResultTables.TRIALS, ResultTables.trialSchema(), trialColumns));
        String[] epochColumns = {"trial_id", "run_id", "epoch", "train_loss", "test_accuracy", "test_loss", "samples_per_second"};
        assertEquals(sorted(own, ResultTables.EPOCHS, ResultTables.epochSchema(), epochColumns),
                sorted(exported, ResultTables.EPOCHS, ResultTables.epochSchema(), epochColumns));
    }

    private static List<String> sorted(Path folder, String table, org.apache.spark.sql.types.StructType schema, String[] columns) {
        return ItSweep.read(folder, table, schema).selectExpr(columns).collectAsList().stream().map(Row::toString).sorted().toList();
    }

    private static void assertTables(Path output, ItSweep sweep, Map<String, String> runIds, int epochRows) {
        List<Row> trials = ItSweep.read(output, ResultTables.TRIALS, ResultTables.trialSchema()).collectAsList();
        assertEquals(sweep.trials.size(), trials.size(), "one row per trial");
        for (Row r : trials) {
            assertEquals(runIds.get(r.<String>getAs("trial_id")), r.<String>getAs("run_id"), "row of trial " + r.getAs("trial_index"));
            assertEquals(sweep.name(), r.<String>getAs("sweep_name"));
        }
        List<Row> epochs = ItSweep.read(output, ResultTables.EPOCHS, ResultTables.epochSchema()).collectAsList();
        assertEquals(epochRows, epochs.size(), "one row per finished epoch");
        for (Row r : epochs) {
            assertTrue(runIds.containsValue(r.<String>getAs("run_id")), r.toString());
        }
    }

    /** An artifact through the tracking server's artifact route, as the MLflow UI reads it. */
    private static String artifact(String uri, String experimentId, String runId, String path) throws Exception {
        String url = uri + "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/" + path;
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> "GET " + url + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
