package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.notebooks.RepoFolder;

/**
 * The project's MLflow server ({@code bin/layerpipe mlflow start}) keeps running after the
 * command that started it has exited, so the UI link a sweep prints stays valid; {@code stop}
 * ends it.
 */
class ProjectMlflowIT {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theServerOutlivesTheCommandThatStartedItUntilStopped(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mlflow");
        try {
            assertEquals(0, layerpipe(data, "mlflow", "start"), "mlflow start");
            int port = Integer.parseInt(Files.readString(data.resolve("server.port")).trim());
            // the launching shell is gone; a server tied to it would stop within its watcher's 2-second poll
            for (int i = 0; i < 12; i++) {
                assertTrue(answers(port), "the server stopped answering on port " + port + " " + (i / 2.0) + " s after `mlflow start` exited");
                Thread.sleep(500);
            }
            assertEquals(0, layerpipe(data, "mlflow", "status"), "status sees it running");
            assertEquals(0, layerpipe(data, "mlflow", "stop"), "mlflow stop");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (answers(port) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertFalse(answers(port), "stopped server still answers on port " + port);
            assertEquals(1, layerpipe(data, "mlflow", "status"), "status after stop");
        } finally {
            layerpipe(data, "mlflow", "stop");
        }
    }

    private static int layerpipe(Path data, String... args) throws IOException, InterruptedException {
        Path bin = RepoFolder.find("bin").resolve("layerpipe");
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of(bin.toString())));
        pb.command().addAll(List.of(args));
        pb.environment().put("PROJECT_MLFLOW_DIR", data.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(data.getParent().resolve("layerpipe-" + String.join("-", args) + ".log").toFile());
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/layerpipe " + String.join(" ", args) + " did not finish");
        }
        return p.exitValue();
    }

    private static boolean answers(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200 && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("OK");
        } catch (IOException e) {
            return false;
        }
    }
}
