package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real MLflow tracking server: run through {@code bin/lib/with-mlflow.sh}, which
 * starts one and exports {@code MLFLOW_TRACKING_URI}.
 */
class MlflowServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static String uri;
    private static MlflowRestTracker mlflow;

    @BeforeAll
    static void server() {
        uri = System.getenv(MlflowSettings.TRACKING_URI_ENV);
        if (uri == null || uri.isBlank()) {
            fail(MlflowSettings.TRACKING_URI_ENV + " is not set: these tests need a real MLflow server. Run them through the test script"
                    + " bin/test (or bin/lib/with-mlflow.sh mvn -B -q -pl spark-jobs verify)");
        }
        mlflow = MlflowSettings.of(uri).withRetry(RetryPolicy.DEFAULT.withMaxElapsed(Duration.ofSeconds(30))).connect();
        assertTrue(mlflow.ping(), "MLflow at " + uri + " does not answer /health");
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void parentAndChildRunsRoundTrip() throws Exception {
        String name = uniqueName("it-sweep");
        String exp = mlflow.experimentId(name);
        assertEquals(name, nameOf(exp));
        assertEquals(exp, MlflowSettings.of(uri).connect().experimentId(name), "get-or-create finds the same experiment");

        String parent = mlflow.createRun(exp, "sweep-1", Map.of("sweep", "partitions"), null);
        String childA = mlflow.createRun(exp, "trial-a", Map.of("trial_hash", "aaaa"), parent);
        String childB = mlflow.createRun(exp, "trial-b", Map.of("trial_hash", "bbbb"), parent);

        // 250 params: three log-batch requests.
        Map<String, String> params = new LinkedHashMap<>();
        params.put("weight_mode", "EMA");
        for (int i = 0; i < 249; i++) {
            params.put("p" + i, Integer.toString(i));
        }
        mlflow.logParams(childA, params);
        mlflow.logParams(childA, Map.of("weight_mode", "EMA")); // same value again: no-op
        ParamConflictException conflict = assertThrows(ParamConflictException.class,
                () -> mlflow.logParams(childA, Map.of("weight_mode", "STASH")));
        assertEquals("param 'weight_mode' of run " + childA + " is already 'EMA' and cannot be changed to 'STASH':"
                + " MLflow params are immutable. Log values that change as metrics or tags, or start a new run.", conflict.getMessage());
        mlflow.logParams(childB, Map.of("weight_mode", "STASH"));

        // 2500 values of one metric (three requests) plus a second metric with a NaN.
        List<Metric> loss = new ArrayList<>();
        for (int step = 0; step < 2500; step++) {
            loss.add(new Metric("loss", 2.0 / (step + 1), 1_700_000_000_000L + step, step));
        }
        mlflow.logMetrics(childA, loss);
        mlflow.logMetrics(childA, loss.subList(0, 10)); // duplicates are harmless
        mlflow.logMetrics(childA, List.of(new Metric("acc", 0.5, 1_700_000_000_000L, 0), new Metric("acc", Double.NaN, 1_700_000_000_001L, 1),
                new Metric("acc", 0.875, 1_700_000_000_002L, 2)));
        mlflow.logMetrics(childB, List.of(new Metric("loss", 9.5, 1_700_000_000_000L, 0)));

        mlflow.setTags(childA, Map.of("mlflow.note.content", "# trial a\nEMA reconstruction", "phase", "done"));
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        byte[] csv = "step,loss\n0,2.0\n1,1.0\n".getBytes(StandardCharsets.UTF_8);
        mlflow.logArtifact(childA, "weights/stage 0.bin", binary);
        mlflow.logArtifact(childA, "loss.csv", csv);

        mlflow.finishRun(childA, RunStatus.FINISHED);
        mlflow.finishRun(childB, RunStatus.FAILED);
        mlflow.finishRun(parent, RunStatus.FINISHED);

        RunInfo a = mlflow.getRun(childA).orElseThrow();
        assertEquals("trial-a", a.name());
        assertEquals(RunStatus.FINISHED, a.status());
        assertEquals(parent, a.parentRunId());
        assertEquals(params, a.params());
        assertEquals("aaaa", a.tags().get("trial_hash"));
        assertEquals("done", a.tags().get("phase"));
        assertEquals("trial-a", a.tags().get(Tracker.RUN_NAME_TAG));
        assertEquals(2.0 / 2500, a.latestMetrics().get("loss"), 1e-15);
        assertEquals(0.875, a.latestMetrics().get("acc"));
        assertEquals(RunStatus.FAILED, mlflow.getRun(childB).orElseThrow().status());
        assertEquals(RunStatus.FINISHED, mlflow.getRun(parent).orElseThrow().status());
        assertEquals(null, mlflow.getRun(parent).orElseThrow().parentRunId());
        assertTrue(mlflow.getRun("0".repeat(32)).isEmpty());

        assertEquals(loss, mlflow.metricHistory(childA, "loss"), "every value once, in step order");
        List<Metric> acc = mlflow.metricHistory(childA, "acc");
        assertEquals(3, acc.size());
        assertTrue(Double.isNaN(acc.get(1).value()));

        Set<String> children = mlflow.searchRuns(exp, "tags.mlflow.parentRunId = '" + parent + "'").stream()
                .map(RunInfo::runId).collect(Collectors.toSet());
        assertEquals(Set.of(childA, childB), children);
        assertEquals(List.of(childB), mlflow.searchRuns(exp, "attributes.status = 'FAILED'").stream().map(RunInfo::runId).toList());
        assertEquals(3, mlflow.searchRuns(exp, "").size());

        // Independently of our client: the raw REST answers and the artifact route.
        JsonNode run = getJson("/api/2.0/mlflow/runs/get?run_id=" + childA).path("run");
        assertEquals("mlflow-artifacts:/" + exp + "/" + childA + "/artifacts", run.path("info").path("artifact_uri").asText());
        Map<String, String> tags = new LinkedHashMap<>();
        run.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        assertEquals(parent, tags.get("mlflow.parentRunId"));
        assertEquals("# trial a\nEMA reconstruction", tags.get("mlflow.note.content"));
        String artifacts = "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + childA + "/artifacts/";
        assertArrayEquals(binary, getBytes(artifacts + "weights/stage%200.bin"));
        assertArrayEquals(csv, getBytes(artifacts + "loss.csv"));
        assertArrayEquals(csv, mlflow.downloadArtifact(childA, "loss.csv"));
        JsonNode listed = getJson("/api/2.0/mlflow/artifacts/list?run_id=" + childA + "&path=weights");
        assertEquals("weights/stage 0.bin", listed.path("files").get(0).path("path").asText());
        assertEquals(binary.length, listed.path("files").get(0).path("file_size").asInt());
    }

    @Test
    void journaledMeasurementsReachTheServerOnceItAnswers(@TempDir Path journalDir) throws Exception {
        String exp = mlflow.experimentId(uniqueName("it-journal"));
        String run = mlflow.createRun(exp, "trial-offline", Map.of(), null);

        // First the tracker talks to a port where nothing listens: every call is journaled.
        MlflowRestTracker nowhere = MlflowSettings.of("http://127.0.0.1:" + freePort())
                .withRetry(new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(300)))
                .connect();
        List<Metric> expected = new ArrayList<>();
        try (JournalingTracker offline = new JournalingTracker(nowhere, journalDir, nowhere::ping, Duration.ofMillis(100), Duration.ZERO)) {
            offline.logParams(run, Map.of("lr", "0.05", "partition", "[2,2]"));
            for (int epoch = 0; epoch < 12; epoch++) {
                List<Metric> values = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int step = epoch * 100 + i;
                    values.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
                }
                offline.logMetrics(run, values);
                expected.addAll(values);
            }
            offline.setTags(run, Map.of("journaled", "yes"));
            offline.logArtifact(run, "summary.txt", "offline".getBytes(StandardCharsets.UTF_8));
            offline.finishRun(run, RunStatus.FINISHED);
            assertEquals(16, offline.pending());
        }
        assertEquals(RunStatus.RUNNING, mlflow.getRun(run).orElseThrow().status());
        assertTrue(mlflow.metricHistory(run, "loss").isEmpty());

        // A new tracker over the same journal, now with the real server, replays everything.
        try (JournalingTracker online = new JournalingTracker(mlflow, journalDir)) {
            assertEquals(16, online.pending());
            assertEquals(0, online.flush());
        }
        assertEquals(expected, mlflow.metricHistory(run, "loss"));
        RunInfo info = mlflow.getRun(run).orElseThrow();
        assertEquals(RunStatus.FINISHED, info.status());
        assertEquals(Map.of("lr", "0.05", "partition", "[2,2]"), info.params());
        assertEquals("yes", info.tags().get("journaled"));
        assertArrayEquals("offline".getBytes(StandardCharsets.UTF_8), mlflow.downloadArtifact(run, "summary.txt"));
        assertFalse(nowhere.ping());
    }

    private static String nameOf(String experimentId) throws Exception {
        return getJson("/api/2.0/mlflow/experiments/get?experiment_id=" + experimentId).path("experiment").path("name").asText();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static JsonNode getJson(String path) throws Exception {
        return JSON.readTree(getBytes(path));
    }

    private static byte[] getBytes(String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> "GET " + path + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }
}
