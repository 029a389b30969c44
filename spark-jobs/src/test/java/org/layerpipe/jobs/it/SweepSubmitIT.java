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
        // 4 trials (sequential, layerpipe2, 1f1b, and layerpipe2 with lr 1e12, which diverges), 2 epochs;
        // an experiment of its own, so the UI's runs table shows this sweep's runs and no others
        ItSweep sweep = ItSweep.fromResource(dir, "tiny.yaml", "it-submit-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        Path output = dir.resolve("out");
        SparkSubmit submit = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", output.toString(), "--tracking-uri", uri, "--journal", dir.resolve("journal").toString());

        SparkSubmit.Result first = submit.run("submit-first", Duration.ofMinutes(4));
        assertEquals(0, first.exitCode(), () -> "spark-submit failed (" + first.log() + "):\n" + first.tail());
        assertContains(first.output(), "3 of 4 trials finished");

        List<RunInfo> parents = sweep.parentRuns(mlflow);
        assertEquals(1, parents.size(), "one parent run per sweep");
        RunInfo parent = parents.get(0);
        assertEquals(RunStatus.FINISHED, parent.status());
        assertEquals("3", parent.tags().get("layerpipe.trials_finished"));
        assertEquals(3.0, parent.latestMetrics().get("trials_finished"), "the summary as metrics");
        assertEquals(1.0, parent.latestMetrics().get("trials_failed"));
        assertTrue(parent.latestMetrics().get("best_test_accuracy") >= parent.latestMetrics().get("mean_test_accuracy"), parent.latestMetrics().toString());
        sweep.spec.base().forEach((k, v) -> assertEquals(v, parent.params().get(k), "base setting " + k + " as a param of the sweep's run"));

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
            Map<String, String> settings = new java.util.LinkedHashMap<>(t.config().toParams());
            settings.put("checkpoint.dir", "file:" + output.resolve("checkpoints")); // the sweep's default folder, qualified
            assertEquals(settings, run.params(), "every setting of the trial is a param");
            assertEquals("0", run.tags().get(RunNaming.TAG_ATTEMPT), "the trial ran once: no task failed and was retried");
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
            assertDelays(mlflow, t, run, artifact(uri, experimentId, run.runId(), "delays.txt"), diverges);
        }
        assertUiShowsTheSweep(first.output(), sweep, parent, runs);
        assertPythonClientSeesInputsAndSource(uri, parent, runs);
        assertTables(output, sweep, runIds, epochs);

        // Again: finished trials are found in MLflow, not run again; the tables are complete anyway.
        SparkSubmit.Result second = submit.run("submit-again", Duration.ofMinutes(4));
        assertEquals(0, second.exitCode(), () -> "second spark-submit failed (" + second.log() + "):\n" + second.tail());
        // the diverged trial is done too: divergence is deterministic
        assertContains(second.output(), "4 trial(s) already done in MLflow (3 finished, 1 diverged): skipped");
        assertEquals(List.of(parent.runId()), sweep.parentRuns(mlflow).stream().map(RunInfo::runId).toList());
        Map<String, List<RunInfo>> again = sweep.trialRuns(mlflow);
        for (Trial t : sweep.trials) {
            List<RunInfo> forTrial = again.get(t.trialId());
            assertEquals(1, forTrial.size(), () -> "still one live run for trial " + t.index() + ", got " + forTrial);
            assertEquals(runIds.get(t.trialId()), forTrial.get(0).runId(), "a done trial keeps its run");
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

    /**
     * The schedule's own delays are published (tag, delays.txt) and measured: per epoch the largest
     * staleness is the nominal delay (SEQUENTIAL 0, LAYERPIPE2 2S, 1F1B S), and the mean is what the
     * pipeline fill gives, {@code Σ_j min(j, delay) / units}.
     */
    private static void assertDelays(MlflowRestTracker mlflow, Trial t, RunInfo run, String delaysTxt, boolean diverges) {
        int[] delays = t.config().schedule().stageDelays(t.config().partition().resolve(4, null)); // mlp [16]: 4 blocks
        int[] expected = switch (t.config().schedule()) {
            case SEQUENTIAL, GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1, INTERLEAVED_1F1B -> new int[] {0, 0};
            case LAYERPIPE2 -> new int[] {2, 0};
            case ONE_F_ONE_B -> new int[] {1, 0};
        };
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(delays), "the one delay rule");
        assertEquals(java.util.Arrays.toString(expected).replace(" ", ""), run.tags().get(RunNaming.TAG_STAGE_DELAYS), run.name());
        List<String> rows = delaysTxt.lines().skip(1).toList();
        assertEquals(4, rows.size(), delaysTxt);
        for (String row : rows) {
            String[] cols = row.split("\\|");
            assertEquals(expected[Integer.parseInt(cols[1].trim())], Integer.parseInt(cols[3].trim()), run.name() + ":\n" + delaysTxt);
        }
        if (diverges) {
            return;
        }
        int units = t.config().data().trainLimit() / t.config().batchSize();
        for (int s = 0; s < expected.length; s++) {
            double sum = 0;
            for (int j = 0; j < units; j++) {
                sum += Math.min(j, expected[s]);
            }
            List<org.layerpipe.jobs.tracking.Metric> max = mlflow.metricHistory(run.runId(), RunNaming.STALENESS_MAX + s);
            List<org.layerpipe.jobs.tracking.Metric> mean = mlflow.metricHistory(run.runId(), RunNaming.STALENESS_MEAN + s);
            assertEquals(t.config().epochs(), max.size(), run.name() + " stage " + s);
            for (int e = 0; e < max.size(); e++) {
                assertEquals(expected[s], max.get(e).value(), run.name() + " measured max staleness, stage " + s + " epoch " + (e + 1));
                assertEquals(sum / units, mean.get(e).value(), 1e-12, run.name() + " measured mean staleness, stage " + s);
            }
        }
    }

    /**
     * The links the sweep printed, opened in headless Chromium: the runs view shows the sweep's
     * run (not MLflow 3's GenAI view, which lists no runs), and the sweep run's page names every child.
     */
    private static void assertUiShowsTheSweep(String output, ItSweep sweep, RunInfo parent, Map<String, List<RunInfo>> runs)
            throws Exception {
        String runsView = printedLink(output, "MLflow UI: ");
        String runPage = printedLink(output, "sweep run: ");
        assertTrue(runsView.endsWith("/runs?workflowType=machine_learning"), runsView);
        assertTrue(runPage.endsWith("/runs/" + parent.runId()), runPage);
        assertContains(Chromium.render(runsView), ">" + sweep.name() + "<");
        String page = Chromium.render(runPage);
        assertContains(page, sweep.name());
        for (List<RunInfo> forTrial : runs.values()) {
            assertContains(page, forTrial.get(0).name());
        }
    }

    private static String printedLink(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "…' in the sweep's output:\n" + output));
    }

    /** MLflow's own Python client reads the dataset inputs and the source tags the Java client wrote. */
    private static void assertPythonClientSeesInputsAndSource(String uri, RunInfo parent, Map<String, List<RunInfo>> runs)
            throws Exception {
        RunInfo child = runs.values().iterator().next().get(0);
        String script = """
                import json, sys
                from mlflow import MlflowClient
                c = MlflowClient()
                r = c.get_run(sys.argv[1])
                p = c.get_run(sys.argv[2])
                e = c.get_experiment(r.info.experiment_id)
                print(json.dumps({
                    "inputs": sorted([d.dataset.name, d.dataset.digest, d.dataset.source_type, json.loads(d.dataset.profile)["num_rows"],
                                      [t.value for t in d.tags if t.key == "mlflow.data.context"][0]] for d in r.inputs.dataset_inputs),
                    "source": [r.data.tags.get("mlflow.source.type"), r.data.tags.get("mlflow.source.name"), r.data.tags.get("mlflow.user")],
                    "parent_source": p.data.tags.get("mlflow.source.type"),
                    "kind": e.tags.get("mlflow.experimentKind")}))
                """;
        ProcessBuilder pb = new ProcessBuilder(ItEnvironment.python().toString(), "-c", script, child.runId(), parent.runId());
        pb.environment().put("MLFLOW_TRACKING_URI", uri);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "python did not finish");
        assertEquals(0, p.exitValue(), out);
        JsonNode json = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        assertEquals("[[\"synthetic-test\",\"" + json.at("/inputs/0/1").asText() + "\",\"code\",128,\"test\"],"
                + "[\"synthetic-train\",\"" + json.at("/inputs/1/1").asText() + "\",\"code\",256,\"training\"]]",
                json.get("inputs").toString(), out);
        assertEquals(16, json.at("/inputs/0/1").asText().length(), "digest of the examples");
        assertEquals("JOB", json.at("/source/0").asText(), out);
        assertTrue(json.at("/source/1").asText().startsWith("layerpipe sweep "), out);
        assertEquals(System.getProperty("user.name"), json.at("/source/2").asText(), out);
        assertEquals("JOB", json.get("parent_source").asText(), out);
        assertEquals("custom_model_development", json.get("kind").asText(), out);
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
