package org.layerpipe.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import org.apache.spark.sql.SparkSession;
import org.layerpipe.core.cli.Cli;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.RunRows;
import org.layerpipe.jobs.run.TrialOutcome;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.Tracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class org.layerpipe.jobs.ExportRuns <jar> --experiment NAME [--sweep-id ID] --output PATH}:
 * reads an MLflow experiment's trial runs (params, tags, metric histories) through the REST
 * API into the same Parquet tables a sweep writes, so the notes can analyse any sweep,
 * including one whose output folder is gone.
 */
@Command(name = "ExportRuns", customSynopsis = ExportRuns.USAGE, description = "")
public final class ExportRuns {

    static final String USAGE = "usage: ExportRuns --experiment NAME [--sweep-id ID] --output PATH [--tracking-uri URI]";

    @Option(names = "--experiment", paramLabel = "NAME", description = "the MLflow experiment whose trial runs are read")
    private String experiment;

    @Option(names = "--sweep-id", paramLabel = "ID", description = "only this sweep's runs")
    private String sweepId;

    @Option(names = "--output", paramLabel = "PATH", description = "folder (any Hadoop path) for the tables trials/ and epochs/")
    private String output;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "MLflow tracking server [default: $MLFLOW_TRACKING_URI]")
    private String uri = System.getenv(MlflowSettings.TRACKING_URI_ENV);

    @Mixin
    private Cli.HelpOption help;

    private ExportRuns() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The whole export: 0 when done or its help was printed, 2 for a mistake in the arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ExportRuns command = new ExportRuns();
        OptionalInt done = Cli.parse(command, args, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        String experiment = command.experiment;
        String sweepId = command.sweepId;
        String output = command.output;
        String uri = command.uri;
        if (experiment == null || output == null || uri == null) {
            return Cli.usageError(err, "--experiment, --output and a tracking URI (--tracking-uri or MLFLOW_TRACKING_URI) are required; "
                    + USAGE);
        }
        SparkSession spark = SparkSession.builder().appName("layerpipe export " + experiment).getOrCreate();
        try (Tracker tracker = MlflowSettings.of(uri).connect()) {
            List<TrialOutcome> outcomes = RunRows.ofExperiment(tracker, experiment, sweepId);
            write(spark, outcomes, output);
            out.printf(Locale.ROOT, "exported %d trial runs of experiment '%s' to %s%n", outcomes.size(), experiment, output);
            return 0;
        } finally {
            spark.stop();
        }
    }

    static void write(SparkSession spark, List<TrialOutcome> outcomes, String output) {
        List<TrialRow> trials = new ArrayList<>();
        List<EpochRow> epochs = new ArrayList<>();
        for (TrialOutcome o : outcomes) {
            trials.add(o.trial());
            epochs.addAll(o.epochs());
        }
        ResultTables.write(spark, trials, epochs, output);
    }
}
