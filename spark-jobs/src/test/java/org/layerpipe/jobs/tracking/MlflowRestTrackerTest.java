package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerpipe.jobs.tracking.FakeMlflowServer.Answer;

class MlflowRestTrackerTest {

    private static final String API = "/api/2.0/mlflow/";
    private static final String RUN = "0123456789abcdef0123456789abcdef";
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5));

    private final FakeMlflowServer server = new FakeMlflowServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private MlflowRestTracker tracker(RetryPolicy retry) {
        return MlflowSettings.of(server.uri()).withRetry(retry).connect();
    }

    /** A runs/get answer. */
    private static String runJson(String runId, String params) {
        return "{\"run\":" + runEntry(runId, params) + "}";
    }

    /** One run as MLflow writes it, in runs/get and in runs/search lists. */
    private static String runEntry(String runId, String params) {
        return "{\"info\":{\"run_id\":\"" + runId + "\",\"experiment_id\":\"7\",\"run_name\":\"trial-1\",\"status\":\"RUNNING\","
                + "\"artifact_uri\":\"mlflow-artifacts:/7/" + runId + "/artifacts\"},"
                + "\"data\":{\"params\":[" + params + "],\"tags\":[{\"key\":\"mlflow.runName\",\"value\":\"trial-1\"}],"
                + "\"metrics\":[{\"key\":\"loss\",\"value\":\"NaN\",\"timestamp\":5,\"step\":3}]}}";
    }

    private static List<Integer> sizes(List<FakeMlflowServer.Request> requests, String field) {
        return requests.stream().map(r -> r.json().get(field).size()).toList();
    }

    @Test
    void metricsAreSplitIntoBatchesOfAtMostOneThousand() {
        server.on("POST", API + "runs/log-batch", r -> Answer.ok("{}"));
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            metrics.add(new Metric("loss", 1.0 / (i + 1), 1_000 + i, i));
        }
        tracker(FAST).logMetrics(RUN, metrics);

        List<FakeMlflowServer.Request> sent = server.requests(API + "runs/log-batch");
        assertEquals(List.of(1000, 1000, 500), sizes(sent, "metrics"));
        assertEquals(RUN, sent.get(0).json().get("run_id").asText());
        JsonNode last = sent.get(2).json().get("metrics").get(499);
        assertEquals(2499, last.get("step").asLong(), "order kept across batches");
        assertEquals(3499, last.get("timestamp").asLong());
    }

    @Test
    void paramsAndTagsAreSplitIntoBatchesOfAtMostOneHundred() {
        server.on("POST", API + "runs/log-batch", r -> Answer.ok("{}"));
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            values.put("k" + i, "v" + i);
        }
        MlflowRestTracker t = tracker(FAST);
        t.logParams(RUN, values);
        t.setTags(RUN, values);

        List<FakeMlflowServer.Request> sent = server.requests(API + "runs/log-batch");
        assertEquals(List.of(100, 100, 50), sizes(sent.subList(0, 3), "params"));
        assertEquals(List.of(100, 100, 50), sizes(sent.subList(3, 6), "tags"));
    }

    @Test
    void batchesStayUnderOneMegabyte() {
        server.on("POST", API + "runs/log-batch", r -> Answer.ok("{}"));
        Map<String, String> tags = new LinkedHashMap<>();
        String big = "x".repeat(5_000);
        for (int i = 0; i < 100; i++) {
            tags.put("t" + i, big + "\u00e9".repeat(2_900)); // 7900 characters (under the tag limit), 10.8 KB of UTF-8 each
        }
        tracker(FAST).setTags(RUN, tags);

        List<FakeMlflowServer.Request> sent = server.requests(API + "runs/log-batch");
        assertEquals(2, sent.size());
        assertEquals(100, sizes(sent, "tags").stream().mapToInt(Integer::intValue).sum());
        sent.forEach(r -> assertTrue(r.body().length <= 1_000_000, "request of " + r.body().length + " bytes"));
    }

    @Test
    void retriesServiceUnavailableWithBackoffThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        server.on("POST", API + "runs/log-batch", r -> calls.incrementAndGet() <= 2
                ? Answer.error(503, "TEMPORARILY_UNAVAILABLE", "database is locked")
                : Answer.ok("{}"));
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10));

        long start = System.nanoTime();
        tracker(policy).logMetrics(RUN, List.of(new Metric("acc", 0.5, 1, 0)));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(3, calls.get());
        // Backoff with equal jitter: >= 50 ms after the first failure, >= 100 ms after the second.
        assertTrue(elapsedMs >= 150, "waited only " + elapsedMs + " ms between attempts");
    }

    @Test
    void honoursRetryAfterOnTooManyRequests() {
        AtomicInteger calls = new AtomicInteger();
        server.on("POST", API + "runs/update", r -> calls.incrementAndGet() == 1
                ? new Answer(429, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}", Map.of("Retry-After", "1"))
                : Answer.ok("{}"));
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(10), Duration.ofSeconds(2), Duration.ofSeconds(10));

        long start = System.nanoTime();
        tracker(policy).finishRun(RUN, RunStatus.FINISHED);
        assertEquals(2, calls.get());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 1_000, "Retry-After: 1 was not respected");
        JsonNode update = server.requests(API + "runs/update").get(1).json();
        assertEquals("FINISHED", update.get("status").asText());
        assertTrue(update.get("end_time").asLong() > 0);
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.on("POST", API + "runs/log-batch", r -> Answer.error(400, "INVALID_PARAMETER_VALUE", "Metric value is bad"));
        MlflowApiException e = assertThrows(MlflowApiException.class,
                () -> tracker(FAST).logMetrics(RUN, List.of(new Metric("m", 1, 1, 1))));
        assertEquals(1, server.requests().size());
        assertEquals(400, e.httpStatus());
        assertEquals("INVALID_PARAMETER_VALUE", e.errorCode());
        assertEquals("MLflow tracking server at " + server.uri() + " rejected POST runs/log-batch: HTTP 400 INVALID_PARAMETER_VALUE:"
                + " Metric value is bad", e.getMessage());
    }

    @Test
    void aSlowServerTimesOutAndIsRetriedWithinTheBudget() {
        server.on("POST", API + "runs/log-batch", r -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.ok("{}");
        });
        MlflowRestTracker t = MlflowSettings.of(server.uri())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200))
                .withRetry(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(1_000)))
                .connect();

        long start = System.nanoTime();
        TrackingUnavailableException e = assertThrows(TrackingUnavailableException.class,
                () -> t.logMetrics(RUN, List.of(new Metric("m", 1, 1, 1))));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(e.getMessage().startsWith("MLflow tracking server at " + server.uri() + " did not answer POST runs/log-batch successfully after "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(": no answer within 0.2 s (request timeout)"), e.getMessage());
        assertTrue(server.requests().size() >= 2, "retried after a timeout");
        // Budget 1 s plus one request timeout, with room for loaded machines; far below the 30 s
        // the server takes per answer.
        assertTrue(elapsedMs < 10_000, "budget of 1 s overran: " + elapsedMs + " ms");
    }

    @Test
    void anUnreachableServerGivesOneClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free again once closed: nothing listens there
        }
        MlflowRestTracker t = MlflowSettings.of("http://127.0.0.1:" + port)
                .withRetry(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(700)))
                .connect();

        TrackingUnavailableException e = assertThrows(TrackingUnavailableException.class,
                () -> t.logMetrics(RUN, List.of(new Metric("m", 1, 1, 1))));

        assertTrue(e.getMessage().matches("MLflow tracking server at http://127\\.0\\.0\\.1:" + port
                + " is unreachable after \\d+ attempts over \\d\\.\\d s: connection refused \\(while calling POST runs/log-batch\\)"),
                e.getMessage());
        assertFalse(t.ping());
    }

    @Test
    void changingAParamNamesTheKeyAndBothValues() {
        server.on("POST", API + "runs/log-batch", r -> Answer.error(400, "INVALID_PARAMETER_VALUE",
                "Changing param values is not allowed. Params were already logged='[{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'}]'"));
        server.on("GET", API + "runs/get", r -> Answer.ok(runJson(RUN, "{\"key\":\"lr\",\"value\":\"0.1\"}")));

        ParamConflictException e = assertThrows(ParamConflictException.class,
                () -> tracker(FAST).logParams(RUN, Map.of("lr", "0.2")));
        assertEquals("param 'lr' of run " + RUN + " is already '0.1' and cannot be changed to '0.2': MLflow params are immutable."
                + " Log values that change as metrics or tags, or start a new run.", e.getMessage());
    }

    @Test
    void artifactsArePutUnderTheRunsArtifactUri() {
        server.on("GET", API + "runs/get", r -> Answer.ok(runJson(RUN, "")));
        String route = "/api/2.0/mlflow-artifacts/artifacts/7/" + RUN + "/artifacts/plots/loss%20curve.csv";
        server.on("PUT", route, r -> Answer.ok("{}"));
        byte[] content = "step,loss\n0,2.3\n".getBytes(StandardCharsets.UTF_8);

        tracker(FAST).logArtifact(RUN, "plots/loss curve.csv", content);

        FakeMlflowServer.Request put = server.requests(route).get(0);
        assertArrayEquals(content, put.body());
        assertThrows(IllegalArgumentException.class, () -> tracker(FAST).logArtifact(RUN, "../escape.txt", content));
        assertThrows(IllegalArgumentException.class, () -> tracker(FAST).logArtifact(RUN, "/abs.txt", content));
    }

    @Test
    void artifactsOutsideTheProxyAreRefusedWithAnExplanation() {
        server.on("GET", API + "runs/get", r -> Answer.ok(runJson(RUN, "").replace("mlflow-artifacts:/7/", "s3://bucket/7/")));
        TrackingException e = assertThrows(TrackingException.class, () -> tracker(FAST).logArtifact(RUN, "a.txt", new byte[1]));
        assertTrue(e.getMessage().contains("--artifacts-destination"), e.getMessage());
    }

    @Test
    void createRunSetsNameParentAndTagsAndIsNotDuplicatedByARetry() {
        AtomicInteger creates = new AtomicInteger();
        server.on("POST", API + "runs/create", r -> {
            creates.incrementAndGet();
            return Answer.error(500, "INTERNAL_ERROR", "the commit went through but the answer was lost");
        });
        server.on("POST", API + "runs/search", r -> {
            String filter = r.json().get("filter").asText();
            assertTrue(filter.startsWith("tags.`layerpipe.createToken` = '"), filter);
            return Answer.ok("{\"runs\":[" + runEntry(RUN, "") + "]}");
        });

        String id = tracker(FAST).createRun("7", "trial-1", Map.of("trial_hash", "ab12"), "parent0");

        assertEquals(RUN, id);
        assertEquals(1, creates.get(), "the run found by its token is not created again");
        JsonNode body = server.requests(API + "runs/create").get(0).json();
        assertEquals("7", body.get("experiment_id").asText());
        assertEquals("trial-1", body.get("run_name").asText());
        Map<String, String> tags = new LinkedHashMap<>();
        body.get("tags").forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
        assertEquals("ab12", tags.get("trial_hash"));
        assertEquals("trial-1", tags.get(Tracker.RUN_NAME_TAG));
        assertEquals("parent0", tags.get(Tracker.PARENT_RUN_ID_TAG));
    }

    @Test
    void experimentIsFoundOrCreated() {
        AtomicInteger lookups = new AtomicInteger();
        server.on("GET", API + "experiments/get-by-name", r -> lookups.incrementAndGet() == 1
                ? Answer.error(404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'sweep'")
                : Answer.ok("{\"experiment\":{\"experiment_id\":\"12\",\"name\":\"sweep\",\"lifecycle_stage\":\"active\"}}"));
        server.on("POST", API + "experiments/create", r -> Answer.error(400, "RESOURCE_ALREADY_EXISTS", "created by another task"));

        MlflowRestTracker t = tracker(FAST);
        assertEquals("12", t.experimentId("sweep"));
        assertEquals("12", t.experimentId("sweep"));
        assertEquals(2, lookups.get(), "second call served from the cache");
        assertEquals("experiment_name=sweep", server.requests(API + "experiments/get-by-name").get(0).query());
    }

    @Test
    void searchPagesThroughAllResults() {
        AtomicInteger page = new AtomicInteger();
        server.on("POST", API + "runs/search", r -> {
            String entry = runEntry(page.get() == 0 ? RUN : RUN.replace('0', 'f'), "");
            return page.getAndIncrement() == 0
                    ? Answer.ok("{\"runs\":[" + entry + "],\"next_page_token\":\"p2\"}")
                    : Answer.ok("{\"runs\":[" + entry + "]}");
        });

        List<RunInfo> runs = tracker(FAST).searchRuns("7", "params.lr = '0.1'");

        assertEquals(2, runs.size());
        assertTrue(Double.isNaN(runs.get(0).latestMetrics().get("loss")));
        assertEquals("trial-1", runs.get(0).name());
        List<FakeMlflowServer.Request> sent = server.requests(API + "runs/search");
        assertFalse(sent.get(0).json().has("page_token"));
        assertEquals("p2", sent.get(1).json().get("page_token").asText());
        assertEquals("params.lr = '0.1'", sent.get(1).json().get("filter").asText());
    }

    @Test
    void metricHistoryPagesAndSortsByStep() {
        server.on("GET", API + "metrics/get-history", r -> r.query().contains("page_token")
                ? Answer.ok("{\"metrics\":[{\"key\":\"loss\",\"value\":1.5,\"timestamp\":9,\"step\":0}]}")
                : Answer.ok("{\"metrics\":[{\"key\":\"loss\",\"value\":\"Infinity\",\"timestamp\":10,\"step\":1}],\"next_page_token\":\"t\"}"));

        List<Metric> history = tracker(FAST).metricHistory(RUN, "loss");

        assertEquals(List.of(new Metric("loss", 1.5, 9, 0), new Metric("loss", Double.POSITIVE_INFINITY, 10, 1)), history);
    }

    @Test
    void aMissingRunIsEmpty() {
        server.on("GET", API + "runs/get", r -> Answer.error(404, "RESOURCE_DOES_NOT_EXIST", "Run with id=x not found"));
        assertTrue(tracker(FAST).getRun("x").isEmpty());
    }

    @Test
    void nonFiniteMetricValuesTravelAsStrings() {
        server.on("POST", API + "runs/log-batch", r -> Answer.ok("{}"));
        tracker(FAST).logMetrics(RUN, List.of(new Metric("a", Double.NaN, 1, 0), new Metric("b", Double.NEGATIVE_INFINITY, 1, 0)));
        JsonNode metrics = server.requests(API + "runs/log-batch").get(0).json().get("metrics");
        assertEquals("NaN", metrics.get(0).get("value").textValue());
        assertEquals("-Infinity", metrics.get(1).get("value").textValue());
    }
}
