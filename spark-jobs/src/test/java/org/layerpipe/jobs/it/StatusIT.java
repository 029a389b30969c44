package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.run.StatusCommand;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;

/**
 * {@code layerpipe status} on a half-finished sweep, against the real server while spark-submit
 * still runs it: a finished, a diverged and a failed trial, one running in its epochs, one not
 * started — and what a re-submission would run.
 */
class StatusIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it-status
            base:
              model: mlp
              model.hidden: "16"
              data: fashion-mnist
              data.train_limit: 4096
              data.test_limit: 128
              batch_size: 32
              partition: "[2,2]"
            zip:
              - lr:        [0.05, 1.0e12, 0.04, 0.03, 0.02]
                data.path: [/usr/share/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist, /nonexistent/fashion-mnist,
                            /usr/share/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist]
                epochs:    [1, 1, 1, 60, 1]
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aHalfFinishedSweepShowsEachTrialsState() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.write(dir, "it-status", SWEEP);
        String before = status(sweep, uri);
        assertTrue(before.contains("0 of 5 trials done; a re-submission would run 5 (trials 0, 1, 2, 3, 4)"), before);

        SparkSubmit.Started running = new SparkSubmit("local[2]").conf("spark.task.cpus", "1")
                .job(sweep.file.toString(), "--output", dir.resolve("out").toString(), "--tracking-uri", uri,
                        "--journal", dir.resolve("journal").toString(), "--concurrent-trials", "1")
                .start("status-half-finished");
        try {
            Trial slow = sweep.trials.get(3);
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (true) {
                List<RunInfo> runs = sweep.trialRuns(mlflow).getOrDefault(slow.trialId(), List.of());
                if (!runs.isEmpty() && ItSweep.steps(mlflow, runs.get(0).runId(), "test_accuracy").size() >= 2) {
                    break;
                }
                if (!running.process().isAlive() || System.nanoTime() > deadline) {
                    fail("trial 3 did not log two epochs while the sweep ran; log " + running.log() + ":\n" + running.output());
                }
                Thread.sleep(250);
            }
            String now = status(sweep, uri);
            List<String> rows = now.lines().filter(l -> l.matches("\\| \\d+ .*")).toList();
            assertEquals(5, rows.size(), now);
            assertTrue(rows.get(0).matches("\\| 0 .*\\| finished \\(test accuracy 0\\.\\d+\\) .*\\| skipped +\\|"), now);
            assertTrue(rows.get(1).matches("\\| 1 .*\\| diverged: diverged in epoch 1.*\\| skipped +\\|"), now);
            assertTrue(rows.get(2).matches("\\| 2 .*\\| failed: .*nonexistent.*\\| runs +\\|"), now);
            assertTrue(rows.get(3).matches("\\| 3 .*\\| running: epoch \\d+ of 60 done .*\\| runs +\\|"), now);
            assertTrue(rows.get(4).matches("\\| 4 .*\\| not started .*\\| - +\\| runs +\\|"), now);
            assertTrue(now.contains("2 of 5 trials done; a re-submission would run 3 (trials 2, 3, 4)"), now);
            String forced = status(sweep, uri, "--force");
            assertTrue(forced.contains("a forced re-submission would run 5 (trials 0, 1, 2, 3, 4)"), forced);
        } finally {
            running.kill();
        }
    }

    private static String status(ItSweep sweep, String uri, String... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[3 + more.length];
        args[0] = sweep.file.toString();
        args[1] = "--tracking-uri";
        args[2] = uri;
        System.arraycopy(more, 0, args, 3, more.length);
        int code = StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
