package org.layerpipe.jobs.tracking;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how to reach an MLflow tracking server. Small and serializable: this is what
 * travels to Spark executors, which build their own {@link MlflowRestTracker} from it.
 *
 * @param trackingUri    the server, {@code http://host:port} (a path prefix is allowed)
 * @param connectTimeout limit for opening a connection
 * @param requestTimeout limit for one request, from sending it to reading the whole answer
 * @param retry          retries of connection errors, timeouts, 429 and 5xx answers
 */
public record MlflowSettings(URI trackingUri, Duration connectTimeout, Duration requestTimeout, RetryPolicy retry)
        implements Serializable {

    /** Name of the environment variable MLflow's own clients read the server address from. */
    public static final String TRACKING_URI_ENV = "MLFLOW_TRACKING_URI";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    public MlflowSettings {
        trackingUri = normalize(trackingUri);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        if (retry == null) {
            throw new IllegalArgumentException("MLflow retry policy must not be null (use RetryPolicy.DEFAULT)");
        }
    }

    /** Default timeouts and retries for the server at {@code trackingUri}. */
    public static MlflowSettings of(String trackingUri) {
        return new MlflowSettings(parse(trackingUri), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, RetryPolicy.DEFAULT);
    }

    /** Settings for the server named by {@value #TRACKING_URI_ENV}. */
    public static MlflowSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static MlflowSettings fromEnvironment(Map<String, String> env) {
        String uri = env.get(TRACKING_URI_ENV);
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(TRACKING_URI_ENV + " is not set: set it to the MLflow tracking server, e.g. http://127.0.0.1:5000");
        }
        return of(uri.trim());
    }

    public MlflowSettings withTimeouts(Duration connect, Duration request) {
        return new MlflowSettings(trackingUri, connect, request, retry);
    }

    public MlflowSettings withRetry(RetryPolicy policy) {
        return new MlflowSettings(trackingUri, connectTimeout, requestTimeout, policy);
    }

    /** A new client for these settings (one per task or thread group; it is thread-safe). */
    public MlflowRestTracker connect() {
        return new MlflowRestTracker(this);
    }

    /** The address without a trailing slash, as written in messages. */
    public String uriText() {
        return trackingUri.toString();
    }

    private static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("MLflow tracking URI must be set, e.g. http://127.0.0.1:5000");
        }
        try {
            return URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MLflow tracking URI '" + text + "' is not a valid URI: " + e.getMessage(), e);
        }
    }

    private static URI normalize(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("MLflow tracking URI must be set, e.g. http://127.0.0.1:5000");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("MLflow tracking URI '" + uri + "' is not supported: use the http(s) address of a tracking server"
                    + " (start one with bin/lib/with-mlflow.sh or 'mlflow server'); file: and databricks URIs are not supported");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("MLflow tracking URI '" + uri + "' has no host, expected e.g. http://127.0.0.1:5000");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("MLflow " + name + " must be positive, got " + d);
        }
    }
}
