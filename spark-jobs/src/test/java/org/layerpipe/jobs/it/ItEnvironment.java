package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.RetryPolicy;

/**
 * What the integration tests run against, as the test script ({@code bin/test}) exports it: a
 * real MLflow server, a real Spark standalone cluster, Spark's distribution and the shaded jar.
 * Nothing is assumed running: a missing piece fails the test and says how to provide it.
 */
final class ItEnvironment {

    private static final String HOW = "run the integration tests through bin/test, which installs .venv (pinned pyspark and mlflow),"
            + " starts an MLflow server and a Spark standalone cluster, and exports the variables";

    private ItEnvironment() {
    }

    static String require(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            fail(variable + " is not set (" + what + "): " + HOW);
        }
        return value.trim();
    }

    /** The MLflow tracking server bin/test started. */
    static String trackingUri() {
        return require(MlflowSettings.TRACKING_URI_ENV, "the MLflow tracking server");
    }

    /** The standalone cluster's master, spark://127.0.0.1:P. */
    static String masterUrl() {
        return require("SPARK_MASTER_URL", "the Spark standalone master");
    }

    static Path sparkSubmit() {
        Path submit = Path.of(require("SPARK_HOME", "Spark's distribution, the pyspark package in .venv"), "bin", "spark-submit");
        if (!Files.isExecutable(submit)) {
            fail(submit + " is missing or not executable: " + HOW);
        }
        return submit;
    }

    /** The virtualenv's Python, which has mlflow installed. */
    static Path python() {
        Path python = Path.of(require("LAYERPIPE_PYTHON", "the Python of .venv, with mlflow"));
        if (!Files.isExecutable(python)) {
            fail(python + " is not executable: " + HOW);
        }
        return python;
    }

    /** The jar spark-submit runs; the build's own unless LAYERPIPE_SHADED_JAR names another. */
    static Path shadedJar() {
        String fromEnv = System.getenv("LAYERPIPE_SHADED_JAR");
        String location = fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : System.getProperty("layerpipe.shaded.jar");
        if (location == null || location.isBlank()) {
            fail("LAYERPIPE_SHADED_JAR is not set (the spark-jobs shaded jar): " + HOW);
        }
        Path jar = Path.of(location);
        if (!Files.isRegularFile(jar)) {
            fail("the shaded jar " + jar + " does not exist: build it with mvn -B package -pl spark-jobs -am (bin/test does)");
        }
        return jar;
    }

    /** A client for checks, with a retry budget short enough to fail a test rather than hang it. */
    static MlflowRestTracker mlflow(String trackingUri) {
        return MlflowSettings.of(trackingUri).withRetry(RetryPolicy.DEFAULT.withMaxElapsed(Duration.ofSeconds(30))).connect();
    }
}
