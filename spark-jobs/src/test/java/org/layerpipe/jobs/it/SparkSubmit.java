package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.layerpipe.jobs.SweepJob;

/**
 * A real {@code spark-submit} of {@link SweepJob} from the shaded jar, as a child process whose
 * output goes to {@code target/it-logs/}. Loopback only; OpenMP as the scripts set it.
 */
final class SparkSubmit {

    /** What a finished submission left: its exit code and everything it printed. */
    record Result(int exitCode, String output, Path log) {

        /** The last lines of the output, for assertion messages. */
        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
        }
    }

    private static final Path LOGS = Path.of("target", "it-logs");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> sparkArgs = new ArrayList<>();
    private final List<String> jobArgs = new ArrayList<>();
    private String mainClass = SweepJob.class.getName();

    /** A submission to {@code master}, with the settings every sweep needs. */
    SparkSubmit(String master) {
        sparkArgs.addAll(List.of("--master", master, "--driver-memory", "2g", "--executor-memory", "1g"));
        conf("spark.speculation", "false");
        conf("spark.ui.enabled", "false");
        conf("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf("spark.executorEnv.OMP_NUM_THREADS", "1");
    }

    SparkSubmit conf(String key, String value) {
        sparkArgs.add("--conf");
        sparkArgs.add(key + "=" + value);
        return this;
    }

    /** Another job of the same jar (e.g. ExportRuns) instead of SweepJob. */
    SparkSubmit mainClass(String className) {
        this.mainClass = className;
        return this;
    }

    /** Arguments of SweepJob: the sweep file first. */
    SparkSubmit job(String... args) {
        jobArgs.addAll(List.of(args));
        return this;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ItEnvironment.sparkSubmit().toString());
        cmd.addAll(sparkArgs);
        cmd.add("--class");
        cmd.add(mainClass);
        cmd.add(ItEnvironment.shadedJar().toString());
        cmd.addAll(jobArgs);
        return cmd;
    }

    /** Starts the submission; its output goes to a log file named after {@code label}. */
    Started start(String label) {
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(String.format("%02d-%s.log", COUNTER.incrementAndGet(), label)).toAbsolutePath();
            List<String> command = command();
            Files.writeString(log, String.join(" ", command) + "\n");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("OMP_NUM_THREADS", "1");
            return new Started(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start spark-submit: " + e.getMessage(), e);
        }
    }

    /** Runs the submission to its end. */
    Result run(String label, Duration timeout) {
        return start(label).await(timeout);
    }

    /** A running submission. */
    record Started(Process process, Path log) {

        Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    kill();
                    fail("spark-submit did not end within " + timeout.toSeconds() + " s; its log: " + log + "\n" + output());
                }
                return new Result(process.exitValue(), output(), log);
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for spark-submit", e);
            }
        }

        /** Ends the driver and everything it started, at once (SIGKILL): a crash, as far as MLflow can tell. */
        void kill() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }
    }
}
