package org.layerpipe.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.nd4j.Nd4jBackend;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;

/**
 * {@code layerpipe report} on a small real sweep output: the quickstart's four weight modes at
 * M = 2 and 3 with three seeds, trained for real (tiny MLP, synthetic data), written as the
 * sweep's Parquet tables; the report's intervals are checked against a hand computation with
 * the printed t quantile t(0.975, 2) = 4.303, and bad input gets one line and exit status 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportCommandTest {

    private static final String SWEEP = """
            name: report-test
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 256
              data.test_limit: 128
              batch_size: 32
              epochs: 2
              ema.shadow: true
            zip:
              - schedule: [sequential, layerpipe2, layerpipe2, layerpipe2]
                weights:  [stash,      latest,     stash,      ema]
            axes:
              partition: ["[2,2]", "[2,1,1]"]
              seed: [1, 2, 3]
            """;
    private static final double T_2 = 4.303;

    private SparkSession spark;
    private Path results;
    private final List<TrialRow> trials = new ArrayList<>();
    private String markdown;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeAll
    void trainTheSweepAndReportIt(@TempDir Path dir) throws IOException {
        SweepSpec spec = SweepParser.parse("report-test.yaml", SWEEP);
        List<EpochRow> epochs = new ArrayList<>();
        for (Trial t : SweepExpander.expand(spec)) {
            TrialResult r = Nd4jBackend.trainer().train(t.config(), TrainingListener.NONE);
            assertEquals(TrialStatus.FINISHED, r.status(), SweepExpander.runName(t) + ": " + r.message());
            ResultRows.Context ctx = new ResultRows.Context(spec.name(), "report-test", t.index(), "run-" + t.index(),
                    SweepExpander.runName(t));
            trials.add(ResultRows.trial(ctx, t.config(), r));
            epochs.addAll(ResultRows.epochs(ctx, t.config(), r));
        }
        assertEquals(24, trials.size());
        spark = SparkSession.builder().master("local[1]").appName("ReportCommandTest").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        results = dir.resolve("results");
        ResultTables.write(spark, trials, epochs, results.toString());

        int code = ReportCommand.run(new String[] {"report", results.toString()}, new PrintStream(printed, true, StandardCharsets.UTF_8),
                System.err);
        assertEquals(0, code, printed.toString(StandardCharsets.UTF_8));
        markdown = Files.readString(results.resolve("report").resolve(Report.MARKDOWN));
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void writesTheMarkdownAndEveryFigure() throws IOException {
        for (String png : List.of("test_accuracy_vs_epoch.png", "final_accuracy_vs_stages.png", "throughput_vs_stages.png",
                "weight_history_vs_stages.png", "activations_vs_stages.png", "reconstruction_error_vs_stages.png")) {
            Path file = results.resolve("report").resolve(png);
            assertTrue(Files.size(file) > 5_000, png + " is missing or tiny");
            assertNotNull(ImageIO.read(file.toFile()), png + " is not an image");
            assertTrue(markdown.contains("](" + png + ")"), "report.md does not link " + png);
        }
        assertTrue(!Files.exists(results.resolve("report").resolve("." + Report.MARKDOWN + ".crc")), "no checksum files beside the report");
        assertTrue(markdown.contains("24 trial(s), 24 finished; 8 variant(s)"), markdown);
        assertTrue(markdown.contains("seeds [1, 2, 3]"), markdown);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("report.md and 6 figure(s)"));
    }

    /** [2,1,1]: blocks 1 (stage 0, delay 4) and 2 (stage 1, delay 2) have weights and are stale; their errors are listed per block. */
    @Test
    void reconstructionErrorIsReportedPerBlock() {
        String section = markdown.substring(markdown.indexOf("Per block"));
        String row = section.lines().filter(l -> l.contains("ema-pa") && l.contains("| 3 ")).findFirst().orElseThrow(() -> new AssertionError(section));
        assertTrue(row.matches(".*\\| 1: 0\\.\\d{4}, 2: 0\\.\\d{4} +\\|.*"), row);
        String m2 = section.lines().filter(l -> l.contains("ema-pa") && l.contains("| 2 ")).findFirst().orElseThrow(() -> new AssertionError(section));
        assertTrue(m2.matches(".*\\| 1: 0\\.\\d{4} +\\|.*"), "[2,2]: only block 1 is stale: " + m2);
    }

    @Test
    void finalAccuracyIntervalsMatchAHandComputation() {
        Map<String, double[]> cases = Map.of(
                "layerpipe2 · stash · M=2", accuracies("layerpipe2", "stash", "[2,2]"),
                "layerpipe2 · ema-pa · M=3", accuracies("layerpipe2", "ema-pa", "[2,1,1]"),
                "sequential · M=2", accuracies("sequential", "stash", "[2,2]"));
        for (Map.Entry<String, double[]> c : cases.entrySet()) {
            String label = c.getKey();
            double[] acc = c.getValue();
            double[] hand = byHand(acc);
            String[] row = row("Final test accuracy", label);
            assertEquals("3", row[3].trim(), "seeds of " + label);
            assertEquals(hand[0], Double.parseDouble(row[4].trim()), 1e-4, "mean of " + label);
            assertEquals(hand[2], halfWidth(row[5]), 1e-4, "95 % half-width of " + label);
            assertEquals(hand[1], Double.parseDouble(row[6].trim()), 1e-4, "sd of " + label);
        }
    }

    @Test
    void pairedDifferencesMatchAHandComputationOnTheSameSeeds() {
        double[] ema = accuracies("layerpipe2", "ema-pa", "[2,2]");
        double[] stash = accuracies("layerpipe2", "stash", "[2,2]");
        double[] sequential = accuracies("sequential", "stash", "[2,2]");
        double[] vsStash = new double[3];
        double[] vsSequential = new double[3];
        for (int i = 0; i < 3; i++) {
            vsStash[i] = 100 * (ema[i] - stash[i]);
            vsSequential[i] = 100 * (stash[i] - sequential[i]);
        }
        check(row("Paired differences", "layerpipe2 · ema-pa · M=2", "stash"), byHand(vsStash));
        check(row("Paired differences", "layerpipe2 · stash · M=2", "sequential"), byHand(vsSequential));
        assertTrue(markdown.contains("layerpipe2 · ema-pa · M=2 minus stash: "), "the EMA question's reading names the pair");
    }

    private void check(String[] row, double[] hand) {
        assertEquals("3", row[3].trim());
        assertEquals(hand[0], Double.parseDouble(row[4].trim()), 1e-2, "mean difference in points");
        assertEquals(hand[2], halfWidth(row[5]), 1e-2, "half-width in points");
        boolean withinNoise = hand[0] - hand[2] <= 0 && hand[0] + hand[2] >= 0;
        assertEquals(withinNoise ? "yes" : "no", row[6].trim(), "within noise");
    }

    @Test
    void badInputIsOneSentenceAndExitStatus2(@TempDir Path empty) {
        assertBad(new String[] {"report", empty.resolve("nowhere").toString()}, "does not exist");
        assertBad(new String[] {"report", empty.toString()}, "holds no sweep result tables");
        assertBad(new String[] {"report"}, "no results folder given");
        assertBad(new String[] {"report", "--colour", results.toString()},
                "unknown flag --colour: use --experiment, --sweep-id, --tracking-uri, --out or --help");
        assertBad(new String[] {"report", results.toString(), "--ot", "/tmp/r"}, "unknown flag --ot: did you mean --out?");
        assertBad(new String[] {"report", results.toString(), "--out"}, "flag --out needs a value");
        assertBad(new String[] {"report", "a", "b"}, "report takes one results folder, got 'a' and 'b'");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, ReportCommand.run(new String[] {"report", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: layerpipe report <results folder> [--out DIR]\n"
                + "       layerpipe report --experiment NAME [--sweep-id ID] [--tracking-uri URI] [--out DIR]\n\nGroups a sweep's trials"), help);
        for (String flag : new String[] {"<results folder>", "--experiment NAME", "--sweep-id ID", "--tracking-uri URI", "--out DIR",
            "-h, --help"}) {
            assertTrue(help.contains("\n  " + flag + " "), flag + " in " + help);
        }
    }

    private static void assertBad(String[] args, String reason) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ReportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, String.join(" ", args) + ": " + text);
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertTrue(text.startsWith("error: ") && text.contains(reason), text);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    /** Final test accuracies of one variant, by seed 1, 2, 3. */
    private double[] accuracies(String schedule, String weights, String partition) {
        Map<Long, Double> bySeed = trials.stream()
                .filter(t -> t.schedule().equals(schedule) && t.weightsLabel().equals(weights) && t.partitionResolved().equals(partition))
                .collect(Collectors.toMap(TrialRow::seed, TrialRow::finalTestAccuracy));
        assertEquals(3, bySeed.size(), schedule + " " + weights + " " + partition);
        return new double[] {bySeed.get(1L), bySeed.get(2L), bySeed.get(3L)};
    }

    /** {mean, sample sd, t(0.975, 2)·sd/√3} written out. */
    private static double[] byHand(double[] v) {
        double mean = (v[0] + v[1] + v[2]) / 3;
        double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) + (v[2] - mean) * (v[2] - mean)) / 2);
        return new double[] {mean, sd, T_2 * sd / Math.sqrt(3)};
    }

    /** "± 0.0123 [..., ...]" → 0.0123 */
    private static double halfWidth(String cell) {
        String c = cell.trim();
        assertTrue(c.startsWith("± "), "not an interval: " + c);
        return Double.parseDouble(c.substring(2, c.indexOf(' ', 2)));
    }

    /** The cells of the first table row after {@code section} whose first cells are {@code keys}. */
    private String[] row(String section, String... keys) {
        String rest = markdown.substring(markdown.indexOf(section));
        for (String line : rest.lines().toList()) {
            String[] cells = line.split("\\|");
            boolean match = cells.length > keys.length;
            for (int k = 0; match && k < keys.length; k++) {
                match = cells[k + 1].trim().equals(keys[k]);
            }
            if (match) {
                return Arrays.copyOf(cells, 7);
            }
        }
        throw new AssertionError("no row " + List.of(keys) + " after '" + section + "' in\n" + markdown);
    }
}
