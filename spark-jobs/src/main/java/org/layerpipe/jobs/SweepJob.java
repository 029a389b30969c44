package org.layerpipe.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalInt;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.layerpipe.core.cli.Cli;
import org.layerpipe.jobs.report.Report;
import org.layerpipe.jobs.report.SweepReport;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.ParentSummary;
import org.layerpipe.jobs.run.SweepDriver;
import org.layerpipe.jobs.run.TrialOutcome;
import org.layerpipe.jobs.sweep.SweepException;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.RetryPolicy;
import org.layerpipe.jobs.tracking.Tracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spark-submit --class org.layerpipe.jobs.SweepJob spark-jobs-shaded.jar <sweep.yaml> [options]}:
 * runs a sweep, one trial per Spark task, every trial a child run of the sweep's MLflow run,
 * results as Parquet. Re-submitting the same sweep skips trials already finished.
 */
public final class SweepJob {

    /** Why a submission with speculative tasks is refused. */
    static final String SPECULATION_REFUSED = "spark.speculation=true would run a trial in two task attempts at once, each"
            + " replacing the other's MLflow run: submit with --conf spark.speculation=false";

    /** What the job was given, checked. */
    record Args(String sweep, String output, String trackingUri, boolean force, String journal, int concurrentTrials,
                Duration trackingRetry, Duration journalWait) {
    }

    /** The job's command line: what spark-submit passes after the jar. */
    @Command(name = "SweepJob", customSynopsis = {
        Options.SYNOPSIS,
        "                [--tracking-retry SECONDS] [--journal-wait SECONDS]"}, description = "")
    static final class Options {

        static final String SYNOPSIS = "usage: SweepJob <sweep.yaml> [--output PATH] [--tracking-uri URI] [--force] [--journal DIR]"
                + " [--concurrent-trials N]";

        @Parameters(paramLabel = "<sweep.yaml>", arity = "0..*", description = "the sweep file (local path or any Hadoop path)")
        private List<String> files = new ArrayList<>();

        @Option(names = "--output", paramLabel = "PATH",
                description = "folder for the Parquet tables trials/ and epochs/ [default: results/<sweep name>]")
        private String output;

        @Option(names = "--tracking-uri", paramLabel = "URI", description = "MLflow tracking server [default: $MLFLOW_TRACKING_URI]")
        private String trackingUri = System.getenv(MlflowSettings.TRACKING_URI_ENV);

        @Option(names = "--force",
                description = "re-run trials that are done (finished or diverged); each replaces its old run once it finished")
        private boolean force;

        @Option(names = "--journal", paramLabel = "DIR",
                description = "local folder where MLflow calls wait while the server is down [default: <tmp>/layerpipe-journal]")
        private String journal = Path.of(System.getProperty("java.io.tmpdir"), "layerpipe-journal").toString();

        @Option(names = "--concurrent-trials", paramLabel = "N",
                description = "trials running at once [default: task slots = default parallelism / spark.task.cpus]")
        private String concurrentTrials = "0";

        @Option(names = "--tracking-retry", paramLabel = "S",
                description = "how long one MLflow call is retried before it is journaled [default: 120]")
        private String trackingRetry = String.valueOf(RetryPolicy.DEFAULT.maxElapsed().toSeconds());

        @Option(names = "--journal-wait", paramLabel = "S", description = {
            "how long a finished trial (and the driver) waits for a down server to take the",
            "journaled calls before leaving them on disk, and a retried trial for the server",
            "before it starts [default: 30]"})
        private String journalWait = String.valueOf(JournalingTracker.DEFAULT_CLOSE_WAIT.toSeconds());

        @Mixin
        private Cli.HelpOption help;

        /** @throws IllegalArgumentException one sentence for a missing sweep file or server, or a bad number */
        Args args() {
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no sweep file given: " + SYNOPSIS);
            }
            if (files.size() > 1) {
                throw new IllegalArgumentException("SweepJob takes one sweep file, got '" + files.get(0) + "' and '" + files.get(1) + "'");
            }
            if (trackingUri == null || trackingUri.isBlank()) {
                throw new IllegalArgumentException("no MLflow tracking server: pass --tracking-uri or set MLFLOW_TRACKING_URI");
            }
            return new Args(files.get(0), output, trackingUri, force, journal, (int) number("--concurrent-trials", concurrentTrials),
                    Duration.ofSeconds(number("--tracking-retry", trackingRetry)), Duration.ofSeconds(number("--journal-wait", journalWait)));
        }

        private static long number(String flag, String text) {
            try {
                long n = Long.parseLong(text);
                if (n >= 0 && n <= Integer.MAX_VALUE) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " needs a whole number of at least 0, got '" + text + "'");
        }
    }

    private SweepJob() {
    }

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The whole job: 0 when it ran or printed its help, 2 for a mistake in the arguments or the sweep file, 1 for a failure. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        Options options = new Options();
        OptionalInt done = Cli.parse(options, argv, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        try {
            return run(options.args());
        } catch (IllegalArgumentException e) { // bad arguments or sweep file (SweepException names file and line)
            return Cli.usageError(err, e.getMessage());
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Where the sweep's trials keep their epoch checkpoints unless the sweep file says otherwise:
     * {@code <output>/checkpoints}, qualified against the driver's file system and working folder so
     * that every executor (and a later submission) finds the same folder.
     */
    static String checkpointRoot(SparkSession spark, String output) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output, "checkpoints");
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the output folder " + output + " cannot be reached: " + e.getMessage(), e);
        }
    }

    static int run(Args args) {
        // spark-submit passes --conf settings to the driver as system properties, which SparkConf reads
        if (new SparkConf().getBoolean("spark.speculation", false)) {
            throw new IllegalArgumentException(SPECULATION_REFUSED);
        }
        SweepSpec spec = readSweep(args.sweep());
        String output = args.output() != null ? args.output() : "results/" + spec.name();
        SparkSession spark = SparkSession.builder().appName("layerpipe sweep " + spec.name()).getOrCreate();
        MlflowRestTracker mlflow = MlflowSettings.of(args.trackingUri())
                .withRetry(RetryPolicy.DEFAULT.withMaxElapsed(args.trackingRetry())).connect();
        try (Tracker tracker = new JournalingTracker(mlflow, Path.of(args.journal(), "driver"), mlflow::ping,
                JournalingTracker.DEFAULT_PROBE_INTERVAL, args.journalWait())) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
            int slots = args.concurrentTrials() > 0 ? args.concurrentTrials() : Math.max(1, jsc.defaultParallelism() / taskCpus);
            SweepDriver driver = new SweepDriver(jsc, tracker,
                    new SweepDriver.Options(args.trackingUri(), Path.of(args.journal(), "tasks").toString(), args.force(), slots,
                            args.trackingRetry(), args.journalWait(), checkpointRoot(spark, output)),
                    System.out);
            SweepDriver.Outcome outcome = driver.run(spec);

            List<TrialRow> trials = new ArrayList<>();
            List<EpochRow> epochs = new ArrayList<>();
            for (TrialOutcome o : outcome.trials()) {
                trials.add(o.trial());
                epochs.addAll(o.epochs());
            }
            ResultTables.write(spark, trials, epochs, output);

            String table = SweepReport.table(outcome.trials());
            long finished = trials.stream().filter(t -> "FINISHED".equals(t.status())).count();
            // the same report as `layerpipe report <output>`: next to the tables and on the parent run; the tables
            // are written already, so a report that cannot be made costs the report, not the sweep
            String reportLine;
            Map<String, byte[]> reportFiles = new LinkedHashMap<>();
            try {
                Report report = Report.of(output, trials, epochs);
                report.write(output + "/report");
                report.files().forEach((name, bytes) -> reportFiles.put("report/" + name, bytes));
                reportLine = "report: " + output + "/report/" + Report.MARKDOWN;
            } catch (RuntimeException e) {
                reportLine = "warning: no report (" + e.getMessage() + "); make it later with: layerpipe report " + output;
            }
            ParentSummary.publish(tracker, outcome.parentRunId(), spec.name(), table, reportFiles, trials, output, System.out);

            System.out.println();
            System.out.print(table);
            long stopped = trials.stream().filter(t -> "STOPPED".equals(t.status())).count();
            long planned = trials.stream().filter(t -> "PLANNED".equals(t.status())).count();
            System.out.printf(Locale.ROOT, "%n%d of %d trials finished%s%s (%d skipped as already done); results in %s%n", finished,
                    trials.size(), stopped == 0 ? "" : ", " + stopped + " stopped early",
                    planned == 0 ? "" : ", " + planned + " planned (simulated, not trained)", outcome.skipped(), output);
            System.out.println(reportLine);
            String ui = args.trackingUri().replaceAll("/+$", "");
            System.out.println("MLflow UI: " + runsView(ui, outcome.experimentId()));
            System.out.println("sweep run: " + runPage(ui, outcome.experimentId(), outcome.parentRunId()));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * The experiment's runs table. MLflow 3 opens an experiment in its GenAI view unless the link
     * asks for the training one (or the browser remembers the toggle).
     */
    static String runsView(String trackingUri, String experimentId) {
        return trackingUri + "/#/experiments/" + experimentId + "/runs?workflowType=machine_learning";
    }

    /** The page of one run (the sweep's parent run: its note, metrics, charts and child runs). */
    static String runPage(String trackingUri, String experimentId, String runId) {
        return trackingUri + "/#/experiments/" + experimentId + "/runs/" + runId;
    }

    private static SweepSpec readSweep(String location) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = path.getFileSystem(new Configuration());
            if (!fs.exists(path)) {
                throw new SweepException(location, 1, "the sweep file does not exist");
            }
            try (InputStream in = fs.open(path)) {
                return SweepParser.parse(location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new SweepException(location, 1, "cannot read the sweep file: " + e.getMessage());
        }
    }
}
