package org.layerpipe.jobs.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * HTTP to one MLflow server: JSON in and out, a timeout on every request, and bounded retries
 * with backoff for answers that may change (connection errors, timeouts, 429, 5xx).
 */
final class MlflowHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";
    private static final System.Logger LOG = System.getLogger(MlflowHttp.class.getName());

    private final MlflowSettings settings;
    private final HttpClient client;

    MlflowHttp(MlflowSettings settings) {
        this.settings = settings;
        // HTTP/1.1: MLflow's server (uvicorn) does not speak HTTP/2, and the h2c upgrade dance
        // only adds a round trip.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    MlflowSettings settings() {
        return settings;
    }

    /** GET {@code /api/2.0/mlflow/<endpoint>?query}, parsed. */
    JsonNode get(String endpoint, Map<String, String> query) {
        URI uri = URI.create(settings.uriText() + API + endpoint + queryString(query));
        return json("GET " + endpoint, send("GET " + endpoint, () -> request(uri).GET().build(), null));
    }

    /** POST a JSON body to {@code /api/2.0/mlflow/<endpoint>}, parsed. */
    JsonNode post(String endpoint, JsonNode body) {
        return post(endpoint, body, null);
    }

    /**
     * Like {@link #post(String, JsonNode)} for calls that are not idempotent: before repeating
     * a request whose fate is unknown (timeout, 5xx), {@code alreadyDone} is asked whether the
     * first try took effect; a non-null answer is returned instead of a repeat.
     */
    JsonNode post(String endpoint, JsonNode body, Supplier<JsonNode> alreadyDone) {
        URI uri = URI.create(settings.uriText() + API + endpoint);
        byte[] bytes = bytes(body);
        Supplier<HttpRequest> req = () -> request(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        return json("POST " + endpoint, send("POST " + endpoint, req, alreadyDone));
    }

    /** PUT raw bytes to an absolute URI of this server. */
    void put(URI uri, byte[] content, String what) {
        send(what, () -> request(uri)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(), null);
    }

    /** GET raw bytes from an absolute URI of this server. */
    byte[] getBytes(URI uri, String what) {
        return send(what, () -> request(uri).GET().build(), null);
    }

    /** One GET of {@code /health} without retries; true when it answers 200. */
    boolean ping(Duration timeout) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.uriText() + "/health")).timeout(timeout).GET().build();
        try {
            return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).header("Accept", "application/json");
    }

    /**
     * Sends until a final answer or the retry budget is spent. Returns the body of a 2xx answer;
     * throws {@link MlflowApiException} for other final answers and {@link
     * TrackingUnavailableException} when the budget runs out.
     */
    private byte[] send(String what, Supplier<HttpRequest> request, Supplier<JsonNode> alreadyDone) {
        RetryPolicy policy = settings.retry();
        long start = System.nanoTime();
        long deadline = start + policy.maxElapsed().toNanos();
        int attempt = 0;
        String problem;
        Throwable cause;
        boolean unreachable = true; // no attempt got as far as a connection
        while (true) {
            attempt++;
            Duration retryAfter = Duration.ZERO;
            boolean fateUnknown;
            try {
                HttpResponse<byte[]> response = client.send(request.get(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return response.body();
                }
                if (status != 429 && status < 500) {
                    throw apiError(what, status, response.body());
                }
                problem = "HTTP " + status + errorSummary(response.body());
                cause = null;
                fateUnknown = status != 429;
                unreachable = false;
                retryAfter = retryAfter(response);
            } catch (HttpConnectTimeoutException e) {
                problem = "connection not established within " + seconds(settings.connectTimeout());
                cause = e;
                fateUnknown = false;
            } catch (HttpTimeoutException e) {
                problem = "no answer within " + seconds(settings.requestTimeout()) + " (request timeout)";
                cause = e;
                fateUnknown = true;
                unreachable = false;
            } catch (ConnectException e) {
                problem = describeConnectFailure(e);
                cause = e;
                fateUnknown = false;
            } catch (IOException e) {
                problem = "connection failed: " + e;
                cause = e;
                fateUnknown = true;
                unreachable = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrackingException("interrupted while calling " + what + " on MLflow tracking server at " + settings.uriText(), e);
            }

            Duration pause = policy.backoff(attempt);
            if (retryAfter.compareTo(pause) > 0) {
                pause = retryAfter.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : retryAfter;
            }
            long now = System.nanoTime();
            if (now + pause.toNanos() > deadline) {
                String elapsed = seconds(Duration.ofNanos(now - start));
                String verdict = unreachable ? " is unreachable" : " did not answer " + what + " successfully";
                throw new TrackingUnavailableException("MLflow tracking server at " + settings.uriText() + verdict
                        + " after " + attempt + (attempt == 1 ? " attempt" : " attempts") + " over " + elapsed + ": " + problem
                        + (unreachable ? " (while calling " + what + ")" : ""), cause);
            }
            int failed = attempt;
            String why = problem;
            Duration wait = pause;
            LOG.log(System.Logger.Level.DEBUG, () -> what + " on " + settings.uriText() + " failed (attempt " + failed + ": " + why
                    + "), retrying in " + wait.toMillis() + " ms");
            sleep(pause, what);
            if (fateUnknown && alreadyDone != null) {
                try {
                    JsonNode done = alreadyDone.get();
                    if (done != null) {
                        return bytes(done);
                    }
                } catch (TrackingException e) {
                    // Could not tell; repeating the request is the only way forward.
                }
            }
        }
    }

    private void sleep(Duration pause, String what) {
        try {
            Thread.sleep(Math.max(1, pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingException("interrupted while retrying " + what + " on MLflow tracking server at " + settings.uriText(), e);
        }
    }

    private MlflowApiException apiError(String what, int status, byte[] body) {
        String code = "";
        String message = new String(body, StandardCharsets.UTF_8).strip();
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error_code").asText("");
                message = node.path("message").asText(message);
            }
        } catch (IOException notJson) {
            // keep the raw text
        }
        return new MlflowApiException("MLflow tracking server at " + settings.uriText() + " rejected " + what + ": HTTP " + status
                + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + shorten(message)), status, code);
    }

    private JsonNode json(String what, byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new TrackingException("MLflow tracking server at " + settings.uriText() + " answered " + what
                        + " with something other than a JSON object: " + shorten(new String(body, StandardCharsets.UTF_8)));
            }
            return node;
        } catch (IOException e) {
            throw new TrackingException("MLflow tracking server at " + settings.uriText() + " answered " + what + " with invalid JSON: "
                    + shorten(new String(body, StandardCharsets.UTF_8)), e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** Server messages can carry whole SQL statements: keep the first line, bounded. */
    static String shorten(String message) {
        String s = message.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String errorSummary(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return " " + node.path("error_code").asText("") + ": " + shorten(node.get("message").asText());
            }
        } catch (IOException notJson) {
            // fall through
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : ": " + shorten(text);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException httpDate) {
                return Duration.ZERO;
            }
        }).orElse(Duration.ZERO);
    }

    private static String describeConnectFailure(ConnectException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("refused")) {
                return "connection refused";
            }
        }
        // Java's client reports a refused connection as a ConnectException without a message.
        return e.getMessage() == null ? "connection refused" : "cannot connect: " + e.getMessage();
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s < 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%d s", Math.round(s));
    }

    static String queryString(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        StringJoiner q = new StringJoiner("&", "?", "");
        query.forEach((k, v) -> q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    /** Percent-encodes one path segment (URLEncoder is for forms: it writes spaces as '+'). */
    static String encodeSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
