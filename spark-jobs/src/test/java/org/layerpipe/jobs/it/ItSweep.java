package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * A sweep file written for one test (its name made unique, so a test never meets runs of an
 * earlier one on the same server), with what the tests read back: its trials as the job
 * expands them, its runs in MLflow and its Parquet tables.
 */
final class ItSweep {

    final Path file;
    final SweepSpec spec;
    final List<Trial> trials;

    private ItSweep(Path file, SweepSpec spec) {
        this.file = file;
        this.spec = spec;
        this.trials = SweepExpander.expand(spec);
    }

    /** Writes {@code yaml} to {@code dir}, with {@code ${name}} replaced by a unique sweep name. */
    static ItSweep write(Path dir, String prefix, String yaml) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String text = yaml.replace("${name}", name);
        Path file = dir.resolve(name + ".yaml");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ItSweep(file, SweepParser.parse(file.toString(), text));
    }

    /** A sweep file of src/test/resources/sweeps, its name line replaced by a unique name. */
    static ItSweep fromResource(Path dir, String resource) {
        return fromResource(dir, resource, null);
    }

    /** {@link #fromResource(Path, String)} logging to {@code experiment} instead of the file's (null: the file's). */
    static ItSweep fromResource(Path dir, String resource, String experiment) {
        try (InputStream in = ItSweep.class.getResourceAsStream("/sweeps/" + resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String prefix = SweepParser.parse(resource, text).name();
            if (experiment != null) {
                text = text.replaceFirst("(?m)^experiment:.*$", "experiment: " + experiment);
            }
            return write(dir, prefix, text.replaceFirst("(?m)^name:.*$", "name: \\${name}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return spec.name();
    }

    /** The trial child runs of this sweep, by trial id. */
    Map<String, List<RunInfo>> trialRuns(Tracker mlflow) {
        Map<String, List<RunInfo>> byTrial = new LinkedHashMap<>();
        String experiment = mlflow.experimentId(spec.experiment());
        for (RunInfo r : mlflow.searchRuns(experiment, "tags.`" + RunNaming.TAG_SWEEP_NAME + "` = '" + name() + "'")) {
            if ("trial".equals(r.tags().get(RunNaming.TAG_ROLE))) {
                byTrial.computeIfAbsent(r.tags().get(RunNaming.TAG_TRIAL_ID), k -> new ArrayList<>()).add(r);
            }
        }
        return byTrial;
    }

    /** The sweep's parent run(s). */
    List<RunInfo> parentRuns(Tracker mlflow) {
        String experiment = mlflow.experimentId(spec.experiment());
        return mlflow.searchRuns(experiment, "tags.`" + RunNaming.TAG_SWEEP_NAME + "` = '" + name() + "'").stream()
                .filter(r -> "sweep".equals(r.tags().get(RunNaming.TAG_ROLE))).toList();
    }

    /** The steps of a metric's history, in order (each logged value once). */
    static List<Long> steps(Tracker mlflow, String runId, String key) {
        return mlflow.metricHistory(runId, key).stream().map(Metric::step).toList();
    }

    /** 1, 2, ..., n. */
    static List<Long> oneTo(int n) {
        List<Long> l = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            l.add(i);
        }
        return l;
    }

    // ---- the Parquet tables ---------------------------------------------------------------

    /** A local SparkSession in the test JVM for reading the tables the job wrote. */
    static SparkSession spark() {
        return SparkSession.builder().master("local[1]").appName("layerpipe-it").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    static Dataset<Row> read(Path output, String table, StructType expected) {
        Dataset<Row> df = spark().read().parquet(output.resolve(table).toString());
        assertEquals(describe(expected), describe(df.schema()), "schema of the " + table + " table");
        return df;
    }

    /** Column names and types, in order (nullability and metadata aside). */
    private static List<String> describe(StructType schema) {
        return Arrays.stream(schema.fields()).map(f -> f.name() + ": " + f.dataType().simpleString()).toList();
    }

    /** Every file under {@code dir} with its text, for assertion messages. */
    static String readTree(Path dir) {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                sb.append(f).append(":\n").append(text, 0, Math.min(text.length(), 2000)).append('\n');
            }
        } catch (IOException e) {
            sb.append("(cannot read ").append(dir).append(": ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected '" + part + "' in:\n" + text);
    }
}
