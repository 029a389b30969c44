package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An MLflow tracking server owned by one test, so the test can stop it and start it again on
 * the same port and store: {@code $LAYERPIPE_PYTHON -m mlflow server}, SQLite and artifacts in
 * a folder, log in {@code <dir>/server.log} (the same flags as bin/lib/mlflow-server.sh).
 */
final class OwnMlflowServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private Process process;

    OwnMlflowServer(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.port = freePort();
    }

    String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the server and waits until its REST API answers. */
    void start() {
        try {
            Files.createDirectories(dir.resolve("artifacts"));
            ProcessBuilder pb = new ProcessBuilder(ItEnvironment.python().toString(), "-m", "mlflow", "server",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--workers", "1",
                    "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db"),
                    "--artifacts-destination", dir.resolve("artifacts").toString(),
                    "--allowed-hosts", "127.0.0.1:" + port + ",localhost:" + port + ",127.0.0.1,localhost")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
            pb.environment().put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false");
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mlflow server: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                fail("mlflow server exited during start-up; see " + dir.resolve("server.log"));
            }
            if (System.nanoTime() > deadline) {
                stop();
                fail("mlflow server did not answer on " + uri() + " within 90 s; see " + dir.resolve("server.log"));
            }
            sleep(300);
        }
    }

    private boolean answers() {
        for (String path : List.of("/health", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default")) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri() + path)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Stops the server and its worker processes (TERM, then KILL what is left). */
    void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep(100);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
