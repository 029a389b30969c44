package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}, installed by bin/test: {@code LAYERPIPE_CHROMIUM})
 * rendering a page of the MLflow UI, a React app that builds its DOM from REST calls after load.
 * Every call uses a fresh profile, so nothing a browser remembered (MLflow keeps the runs/GenAI
 * toggle in local storage) helps a link.
 */
final class Chromium {

    /** Virtual time the page gets to load its scripts and answer its REST calls. */
    private static final int BUDGET_MILLIS = 20_000;

    private Chromium() {
    }

    /** The DOM of {@code url} after the page settled. */
    static String render(String url) throws IOException, InterruptedException {
        String binary = ItEnvironment.require("LAYERPIPE_CHROMIUM", "headless Chromium for the MLflow UI checks");
        Path profile = Files.createTempDirectory("layerpipe-chromium");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(binary, "--headless", "--disable-gpu", "--no-sandbox",
                    "--user-data-dir=" + profile, "--window-size=1600,1000", "--virtual-time-budget=" + BUDGET_MILLIS,
                    "--dump-dom", url));
            pb.redirectError(profile.resolve("stderr.log").toFile());
            Process p = pb.start();
            byte[] dom = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium did not finish rendering " + url);
            assertEquals(0, p.exitValue(), () -> "chromium failed on " + url + ": " + stderr(profile));
            return new String(dom, StandardCharsets.UTF_8);
        } finally {
            deleteTree(profile);
        }
    }

    private static String stderr(Path profile) {
        try {
            return Files.readString(profile.resolve("stderr.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
