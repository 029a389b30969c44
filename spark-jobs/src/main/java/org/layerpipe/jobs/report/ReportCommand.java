package org.layerpipe.jobs.report;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.layerpipe.core.cli.Cli;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.RunRows;
import org.layerpipe.jobs.run.TrialOutcome;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.Tracker;
import org.layerpipe.jobs.tracking.TrackingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code layerpipe report <results folder>} or {@code layerpipe report --experiment NAME}: reads a
 * sweep's result tables (Parquet, through a local Spark session) or an MLflow experiment's trial
 * runs (through {@link RunRows#ofExperiment}, as {@code ExportRuns} does) and writes the {@link Report}: {@code report.md} and its PNG
 * figures. A mistake in the arguments or a folder without result tables is one line on stderr
 * and exit status 2.
 */
@Command(name = "report", customSynopsis = {
    "usage: layerpipe report <results folder> [--out DIR]",
    "       layerpipe report --experiment NAME [--sweep-id ID] [--tracking-uri URI] [--out DIR]"}, description = {
        "Groups a sweep's trials by variant (every setting but the seed) and writes report.md and",
        "PNG figures: test accuracy vs epoch (mean over seeds with a 95 % band), final test accuracy",
        "per variant and pipeline depth M with 95 % Student-t intervals, the same-seed differences to",
        "STASH and to SEQUENTIAL with theirs, throughput and memory vs M, the EMA's reconstruction",
        "error vs M, and a short reading of each question that says when a difference is within noise.",
        ""},
        footer = "Exit status: 0 when the report was written, 2 on a mistake in the arguments or the input.")
public final class ReportCommand {

    @Parameters(paramLabel = "<results folder>", arity = "0..*",
            description = "a sweep's --output folder (any Hadoop path), holding trials/ and epochs/")
    private List<String> folders = new ArrayList<>();

    @Option(names = "--experiment", paramLabel = "NAME", description = "read the trial runs of this MLflow experiment instead")
    private String experiment;

    @Option(names = "--sweep-id", paramLabel = "ID", description = "with --experiment: only this sweep's runs")
    private String sweepId;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "with --experiment: the MLflow server [default: $MLFLOW_TRACKING_URI]")
    private String trackingUri = System.getenv(MlflowSettings.TRACKING_URI_ENV);

    @Option(names = "--out", paramLabel = "DIR", description = {"where report.md and the figures go",
        "[default: <results folder>/report, or report-<experiment> with --experiment]"})
    private String out;

    @Mixin
    private Cli.HelpOption help;

    private ReportCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Thrown for a user's mistake: one sentence, exit status 2. */
    static final class InputException extends RuntimeException {
        InputException(String message) {
            super(message);
        }
    }

    /** What the command line asks for. */
    record Args(String results, String experiment, String sweepId, String trackingUri, String out) {
    }

    /** The parsed command line checked: one source of trials, the options that go with it, the output folder. */
    private Args args() {
        if (folders.size() > 1) {
            throw new InputException("report takes one results folder, got '" + folders.get(0) + "' and '" + folders.get(1) + "'");
        }
        String results = folders.isEmpty() ? null : folders.get(0);
        if (results == null && experiment == null) {
            throw new InputException("no results folder given");
        }
        if (results != null && experiment != null) {
            throw new InputException("give a results folder or --experiment, not both");
        }
        if (experiment != null && (trackingUri == null || trackingUri.isBlank())) {
            throw new InputException("--experiment needs an MLflow server: pass --tracking-uri or set MLFLOW_TRACKING_URI");
        }
        if (experiment == null && sweepId != null) {
            throw new InputException("--sweep-id selects runs of --experiment; a results folder holds one sweep already");
        }
        String folder = out != null ? out : results != null ? results.replaceAll("/+$", "") + "/report" : "report-" + experiment;
        return new Args(results, experiment, sweepId, trackingUri, folder);
    }

    /**
     * @param args the command line; a leading {@code report} (the command's own name) is skipped
     * @return 0 when the report was written or help was asked for, 2 on a mistake in the arguments or the input
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        if (!rest.isEmpty() && rest.get(0).equals("report")) {
            rest.remove(0);
        }
        ReportCommand command = new ReportCommand();
        OptionalInt done = Cli.parse(command, rest.toArray(String[]::new), out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        try {
            Args a = command.args();
            Report report = a.experiment() != null ? fromMlflow(a) : fromFolder(a.results());
            report.write(a.out());
            out.println("report: " + a.out() + "/" + Report.MARKDOWN + " and " + report.figures().size() + " figure(s)");
            return 0;
        } catch (InputException e) {
            return Cli.usageError(err, e.getMessage() + ": usage: layerpipe report <results folder> | --experiment NAME (--help for more)");
        } catch (TrackingException e) {
            return Cli.usageError(err, "cannot read the runs from MLflow: " + e.getMessage());
        }
    }

    /** The report of a results folder's Parquet tables, read with a local Spark session (the caller's, if one is active). */
    static Report fromFolder(String folder) {
        requireTables(folder);
        boolean own = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession.Builder builder = SparkSession.builder().appName("layerpipe report");
        if (own && !new SparkConf().contains("spark.master")) {
            // one small table: a local session, no UI, no shuffle to plan
            builder.master("local[1]").config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            List<TrialRow> trials = ResultTables.readTrials(spark, folder);
            List<EpochRow> epochs = ResultTables.readEpochs(spark, folder);
            return Report.of(folder, trials, epochs);
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }

    private static void requireTables(String folder) {
        try {
            Path dir = new Path(folder);
            FileSystem fs = dir.getFileSystem(new Configuration());
            if (!fs.exists(dir)) {
                throw new InputException("the results folder " + folder + " does not exist");
            }
            for (String table : List.of(ResultTables.TRIALS, ResultTables.EPOCHS)) {
                if (!fs.getFileStatus(dir).isDirectory() || !fs.exists(new Path(dir, table))) {
                    throw new InputException(folder + " holds no sweep result tables (" + ResultTables.TRIALS + "/ and "
                            + ResultTables.EPOCHS + "/, written by a sweep's --output or by ExportRuns)");
                }
            }
        } catch (IllegalArgumentException e) { // a malformed URI or an unknown scheme
            throw new InputException(folder + " is not a readable path (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InputException("cannot read " + folder + " (" + e.getMessage() + ")");
        }
    }

    private static Report fromMlflow(Args a) {
        try (Tracker tracker = MlflowSettings.of(a.trackingUri()).connect()) {
            List<TrialOutcome> outcomes;
            try {
                outcomes = RunRows.ofExperiment(tracker, a.experiment(), a.sweepId());
            } catch (TrackingException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException e) { // a run whose params or metrics do not make a trial
                throw new InputException("a run of experiment '" + a.experiment() + "' cannot be read as a trial (" + e.getMessage()
                        + ")");
            }
            if (outcomes.isEmpty()) {
                throw new InputException("experiment '" + a.experiment() + "' has no trial runs"
                        + (a.sweepId() == null ? "" : " of sweep " + a.sweepId()));
            }
            List<TrialRow> trials = new ArrayList<>();
            List<EpochRow> epochs = new ArrayList<>();
            for (TrialOutcome o : outcomes) {
                trials.add(o.trial());
                epochs.addAll(o.epochs());
            }
            return Report.of("MLflow experiment " + a.experiment() + " at " + a.trackingUri(), trials, epochs);
        }
    }
}
