package org.layerpipe.jobs.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Tracker} on MLflow's REST API 2.0, over {@link java.net.http.HttpClient}.
 *
 * <p>Unlike the {@code org.mlflow:mlflow-client} jar it sets connect and request timeouts on
 * every call, retries connection errors, timeouts, 429 and 5xx with jittered exponential
 * backoff within a bounded budget ({@link RetryPolicy}), splits batches to the server's limits
 * (1000 metrics, 100 params, 100 tags, 1 MB per request) and uploads artifacts over HTTP to the
 * server's artifact proxy ({@code mlflow-artifacts:/} runs), so executors need no Python.
 * Thread-safe; not serializable: ship {@link MlflowSettings} and {@link MlflowSettings#connect()}.
 */
public final class MlflowRestTracker implements Tracker {

    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_PER_BATCH = 100;
    static final int MAX_TAGS_PER_BATCH = 100;
    /** The server refuses log-batch bodies over 1 MB; keep room for the envelope. */
    static final int MAX_BATCH_BYTES = 1_000_000 - 4_096;
    /** Tag that makes run creation safe to retry (see {@link #createRun}). */
    static final String CREATE_TOKEN_TAG = "layerpipe.createToken";
    private static final int SEARCH_PAGE = 1000;
    private static final int HISTORY_PAGE = 25_000;
    private static final String ARTIFACT_SCHEME = "mlflow-artifacts";

    private final MlflowHttp http;
    private final Map<String, String> experimentIds = new ConcurrentHashMap<>();
    private final Map<String, String> artifactUris = new ConcurrentHashMap<>();

    public MlflowRestTracker(MlflowSettings settings) {
        this.http = new MlflowHttp(Objects.requireNonNull(settings, "settings"));
    }

    public MlflowSettings settings() {
        return http.settings();
    }

    /** One request to {@code /health} without retries: does the server answer right now? */
    @Override
    public boolean ping() {
        Duration t = settings().connectTimeout().compareTo(Duration.ofSeconds(5)) < 0 ? settings().connectTimeout() : Duration.ofSeconds(5);
        return http.ping(t);
    }

    @Override
    public String experimentId(String name) {
        requireText("experiment name", name);
        String cached = experimentIds.get(name);
        if (cached != null) {
            return cached;
        }
        String id = findExperiment(name).orElseGet(() -> {
            try {
                ObjectNode body = MlflowHttp.JSON.createObjectNode().put("name", name);
                return requiredText(http.post("experiments/create", body), "experiment_id", "experiments/create");
            } catch (MlflowApiException e) {
                if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                    throw e;
                }
                // Created meanwhile by another task (or by our own retried request).
                return findExperiment(name).orElseThrow(() -> e);
            }
        });
        experimentIds.put(name, id);
        return id;
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        requireText("experiment id", experimentId);
        ObjectNode body = MlflowHttp.JSON.createObjectNode()
                .put("experiment_id", experimentId)
                .put("key", requireKey("experiment tag", key))
                .put("value", MlflowLimits.cut(requireValue("experiment tag", key, value), MlflowLimits.EXPERIMENT_TAG_VALUE));
        http.post("experiments/set-experiment-tag", body);
    }

    @Override
    public Optional<String> findExperiment(String name) {
        requireText("experiment name", name);
        try {
            JsonNode exp = http.get("experiments/get-by-name", Map.of("experiment_name", name)).path("experiment");
            if ("deleted".equals(exp.path("lifecycle_stage").asText())) {
                throw new TrackingException("MLflow experiment '" + name + "' (id " + exp.path("experiment_id").asText()
                        + ") is deleted: restore it ('mlflow experiments restore') or use another experiment name");
            }
            return Optional.of(requiredText(exp, "experiment_id", "experiments/get-by-name"));
        } catch (MlflowApiException e) {
            if (e.httpStatus() == 404 || "RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The run carries a random {@value #CREATE_TOKEN_TAG} tag: when a create request times out
     * or fails with 5xx, the run may exist anyway, so before repeating the request the tracker
     * looks for a run with that token and does not create a second one.
     */
    @Override
    public String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId) {
        requireText("experiment id", experimentId);
        requireText("run name", runName);
        String token = UUID.randomUUID().toString();
        Map<String, String> all = new LinkedHashMap<>(tags == null ? Map.of() : tags);
        all.put(RUN_NAME_TAG, runName);
        if (parentRunId != null) {
            all.put(PARENT_RUN_ID_TAG, parentRunId);
        }
        all.put(CREATE_TOKEN_TAG, token);
        List<Map.Entry<String, String>> entries = new ArrayList<>(all.entrySet());
        // The system tags go in the create request itself; a very long tag list follows in batches.
        int inCreate = Math.min(entries.size(), MAX_TAGS_PER_BATCH);
        List<Map.Entry<String, String>> first = new ArrayList<>(entries.subList(entries.size() - inCreate, entries.size()));
        List<Map.Entry<String, String>> rest = entries.subList(0, entries.size() - inCreate);

        ObjectNode body = MlflowHttp.JSON.createObjectNode()
                .put("experiment_id", experimentId)
                .put("run_name", runName)
                .put("start_time", System.currentTimeMillis());
        body.set("tags", keyValues(first));
        JsonNode answer = http.post("runs/create", body, () -> findCreated(experimentId, token));
        JsonNode info = answer.path("run").path("info");
        String runId = requiredText(info, "run_id", "runs/create");
        String artifactUri = info.path("artifact_uri").asText("");
        if (!artifactUri.isEmpty()) {
            artifactUris.put(runId, artifactUri);
        }
        if (!rest.isEmpty()) {
            setTags(runId, toMap(rest));
        }
        return runId;
    }

    private JsonNode findCreated(String experimentId, String token) {
        ObjectNode body = searchBody(experimentId, "tags.`" + CREATE_TOKEN_TAG + "` = '" + token + "'", null);
        JsonNode runs = http.post("runs/search", body).path("runs");
        if (runs.isArray() && !runs.isEmpty()) {
            ObjectNode answer = MlflowHttp.JSON.createObjectNode();
            answer.set("run", runs.get(0));
            return answer;
        }
        return null;
    }

    @Override
    public void logParams(String runId, Map<String, String> params) {
        requireText("run id", runId);
        List<ObjectNode> entries = new ArrayList<>();
        params.forEach((k, v) -> entries.add(MlflowJson.keyValue(requireKey("param", k),
                MlflowLimits.cut(requireValue("param", k, v), MlflowLimits.PARAM_VALUE))));
        for (List<ObjectNode> batch : split(entries, MAX_PARAMS_PER_BATCH, "param")) {
            ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
            body.putArray("params").addAll(batch);
            try {
                http.post("runs/log-batch", body);
            } catch (MlflowApiException e) {
                if ("INVALID_PARAMETER_VALUE".equals(e.errorCode()) && e.getMessage().contains("Changing param values is not allowed")) {
                    throw paramConflict(runId, batch, e);
                }
                throw e;
            }
        }
    }

    private ParamConflictException paramConflict(String runId, List<ObjectNode> batch, MlflowApiException e) {
        Map<String, String> logged = getRun(runId).map(RunInfo::params).orElse(Map.of());
        for (ObjectNode p : batch) {
            String key = p.get("key").asText();
            String old = logged.get(key);
            if (old != null && !old.equals(p.get("value").asText())) {
                return new ParamConflictException(runId, key, old, p.get("value").asText());
            }
        }
        return new ParamConflictException(e.getMessage() + " (MLflow params are immutable)");
    }

    @Override
    public void logMetrics(String runId, List<Metric> metrics) {
        requireText("run id", runId);
        List<ObjectNode> entries = new ArrayList<>(metrics.size());
        for (Metric m : metrics) {
            entries.add(MlflowJson.metricJson(m));
        }
        for (List<ObjectNode> batch : split(entries, MAX_METRICS_PER_BATCH, "metric")) {
            ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
            body.putArray("metrics").addAll(batch);
            http.post("runs/log-batch", body);
        }
    }

    @Override
    public void setTags(String runId, Map<String, String> tags) {
        requireText("run id", runId);
        List<ObjectNode> entries = new ArrayList<>();
        tags.forEach((k, v) -> entries.add(tagJson(k, v)));
        for (List<ObjectNode> batch : split(entries, MAX_TAGS_PER_BATCH, "tag")) {
            ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
            body.putArray("tags").addAll(batch);
            http.post("runs/log-batch", body);
        }
    }

    @Override
    public void logInputs(String runId, List<DatasetInput> inputs) {
        requireText("run id", runId);
        if (inputs.isEmpty()) {
            return;
        }
        ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
        ArrayNode datasets = body.putArray("datasets");
        for (DatasetInput in : inputs) {
            datasets.add(MlflowJson.inputJson(in));
        }
        http.post("runs/log-inputs", body);
    }

    @Override
    public void logArtifact(String runId, String path, byte[] content) {
        requireText("run id", runId);
        Objects.requireNonNull(content, "artifact content");
        http.put(artifactUrl(runId, path), content, "PUT artifact '" + path + "' of run " + runId);
    }

    /** Reads an artifact back through the server's artifact proxy. */
    public byte[] downloadArtifact(String runId, String path) {
        requireText("run id", runId);
        return http.getBytes(artifactUrl(runId, path), "GET artifact '" + path + "' of run " + runId);
    }

    /**
     * The artifact proxy route for a run's artifact: a run's {@code artifact_uri} looks like
     * {@code mlflow-artifacts:/<experimentId>/<runId>/artifacts}, served under
     * {@code <tracking>/api/2.0/mlflow-artifacts/artifacts/<experimentId>/<runId>/artifacts/}.
     */
    URI artifactUrl(String runId, String path) {
        String relative = checkArtifactPath(path);
        String artifactUri = artifactUris.computeIfAbsent(runId, this::readArtifactUri);
        URI root = URI.create(artifactUri);
        if (!ARTIFACT_SCHEME.equals(root.getScheme()) || root.getRawPath() == null) {
            throw new TrackingException("run " + runId + " stores artifacts at '" + artifactUri + "', which this client cannot write:"
                    + " it uploads through the tracking server's artifact proxy (mlflow-artifacts:/ locations), so start the server"
                    + " with --artifacts-destination and without --no-serve-artifacts");
        }
        String base = root.getRawAuthority() == null ? settings().uriText() : "http://" + root.getRawAuthority();
        StringBuilder url = new StringBuilder(base).append("/api/2.0/mlflow-artifacts/artifacts");
        String rootPath = root.getRawPath();
        url.append(rootPath.startsWith("/") ? "" : "/").append(rootPath);
        for (String segment : relative.split("/")) {
            url.append('/').append(MlflowHttp.encodeSegment(segment));
        }
        return URI.create(url.toString());
    }

    private String readArtifactUri(String runId) {
        JsonNode info = http.get("runs/get", Map.of("run_id", runId)).path("run").path("info");
        return requiredText(info, "artifact_uri", "runs/get");
    }

    private static String checkArtifactPath(String path) {
        if (path == null || path.isBlank() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("artifact path must be relative, '/'-separated and name a file, e.g. 'plots/loss.csv', got "
                    + (path == null ? "null" : "'" + path + "'"));
        }
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("artifact path '" + path + "' has an empty, '.' or '..' part; use e.g. 'plots/loss.csv'");
            }
        }
        return path;
    }

    @Override
    public void finishRun(String runId, RunStatus status) {
        finishRun(runId, status, System.currentTimeMillis());
    }

    /** Ends the run with an explicit end time (epoch ms), e.g. when replaying a journal. */
    @Override
    public void finishRun(String runId, RunStatus status, long endTimeMillis) {
        requireText("run id", runId);
        RunStatus.requireTerminal(status);
        ObjectNode body = MlflowHttp.JSON.createObjectNode()
                .put("run_id", runId)
                .put("status", status.name())
                .put("end_time", endTimeMillis);
        http.post("runs/update", body);
    }

    @Override
    public void deleteRun(String runId) {
        requireText("run id", runId);
        http.post("runs/delete", MlflowHttp.JSON.createObjectNode().put("run_id", runId));
    }

    @Override
    public List<RunInfo> searchRuns(String experimentId, String filter) {
        requireText("experiment id", experimentId);
        List<RunInfo> runs = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = http.post("runs/search", searchBody(experimentId, filter, token));
            for (JsonNode run : page.path("runs")) {
                runs.add(runInfo(run));
            }
            token = page.path("next_page_token").asText("");
        } while (!token.isEmpty());
        return runs;
    }

    private static ObjectNode searchBody(String experimentId, String filter, String pageToken) {
        ObjectNode body = MlflowHttp.JSON.createObjectNode();
        body.putArray("experiment_ids").add(experimentId);
        if (filter != null && !filter.isBlank()) {
            body.put("filter", filter);
        }
        body.put("run_view_type", "ACTIVE_ONLY").put("max_results", SEARCH_PAGE);
        if (pageToken != null) {
            body.put("page_token", pageToken);
        }
        return body;
    }

    @Override
    public Optional<RunInfo> getRun(String runId) {
        requireText("run id", runId);
        try {
            return Optional.of(runInfo(http.get("runs/get", Map.of("run_id", runId)).path("run")));
        } catch (MlflowApiException e) {
            if (e.httpStatus() == 404 || "RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<Metric> metricHistory(String runId, String key) {
        requireText("run id", runId);
        requireText("metric key", key);
        List<Metric> history = new ArrayList<>();
        String token = "";
        do {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("run_id", runId);
            query.put("metric_key", key);
            query.put("max_results", Integer.toString(HISTORY_PAGE));
            if (!token.isEmpty()) {
                query.put("page_token", token);
            }
            JsonNode page = http.get("metrics/get-history", query);
            for (JsonNode m : page.path("metrics")) {
                history.add(MlflowJson.metric(m));
            }
            token = page.path("next_page_token").asText("");
        } while (!token.isEmpty());
        history.sort(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp));
        return history;
    }

    /** Nothing to release: Java's HttpClient frees its threads when unreachable. */
    @Override
    public void close() {}

    // ---- JSON <-> values -------------------------------------------------------------------

    private RunInfo runInfo(JsonNode run) {
        JsonNode info = run.path("info");
        JsonNode data = run.path("data");
        String runId = requiredText(info, "run_id", "a run");
        Map<String, String> params = MlflowJson.pairs(data.path("params"));
        Map<String, String> tags = MlflowJson.pairs(data.path("tags"));
        Map<String, Double> latest = new HashMap<>();
        for (JsonNode m : data.path("metrics")) {
            latest.put(m.path("key").asText(), MlflowJson.number(m.path("value")));
        }
        String name = info.path("run_name").asText(tags.getOrDefault(RUN_NAME_TAG, ""));
        String statusText = info.path("status").asText("");
        RunStatus status;
        try {
            status = RunStatus.valueOf(statusText);
        } catch (IllegalArgumentException e) {
            throw new TrackingException("MLflow tracking server at " + settings().uriText() + " reported run " + runId
                    + " with unknown status '" + statusText + "'", e);
        }
        String artifactUri = info.path("artifact_uri").asText("");
        if (!artifactUri.isEmpty()) {
            artifactUris.putIfAbsent(runId, artifactUri);
        }
        return new RunInfo(runId, name, status, params, tags, latest);
    }

    private static ArrayNode keyValues(List<Map.Entry<String, String>> entries) {
        ArrayNode array = MlflowHttp.JSON.createArrayNode();
        for (Map.Entry<String, String> e : entries) {
            array.add(tagJson(e.getKey(), e.getValue()));
        }
        return array;
    }

    /** A tag as the server takes it: its value cut to MLflow's limit, so a long text never fails a batch. */
    private static ObjectNode tagJson(String key, String value) {
        return MlflowJson.keyValue(requireKey("tag", key), MlflowLimits.cut(requireValue("tag", key, value), MlflowLimits.TAG_VALUE));
    }

    private static Map<String, String> toMap(List<Map.Entry<String, String>> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static List<List<ObjectNode>> split(List<ObjectNode> entries, int maxCount, String what) {
        return Batches.split(entries, maxCount, MAX_BATCH_BYTES, e -> MlflowHttp.bytes(e).length + 1, what);
    }

    private String requiredText(JsonNode node, String field, String what) {
        String text = node.path(field).asText("");
        if (text.isEmpty()) {
            throw new TrackingException("MLflow tracking server at " + settings().uriText() + " answered " + what + " without '" + field + "'");
        }
        return text;
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must be non-empty, got " + (value == null ? "null" : "'" + value + "'"));
        }
    }

    private static String requireKey(String kind, String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(kind + " key must be non-empty, got " + (key == null ? "null" : "'" + key + "'"));
        }
        return key;
    }

    private static String requireValue(String kind, String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " '" + key + "' has a null value; MLflow stores strings (use \"\" for none)");
        }
        return value;
    }
}
