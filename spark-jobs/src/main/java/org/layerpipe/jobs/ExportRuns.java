package org.layerpipe.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.SparkSession;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.RunRows;
import org.layerpipe.jobs.run.TrialOutcome;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * {@code spark-submit --class org.layerpipe.jobs.ExportRuns <jar> --experiment NAME [--sweep-id ID] --output PATH}:
 * reads an MLflow experiment's trial runs (params, tags, metric histories) through the REST
 * API into the same Parquet tables a sweep writes, so the notes can analyse any sweep,
 * including one whose output folder is gone.
 */
public final class ExportRuns {

    static final String USAGE = "usage: ExportRuns --experiment NAME [--sweep-id ID] --output PATH [--tracking-uri URI]";

    private ExportRuns() {
    }

    public static void main(String[] args) {
        String experiment = null;
        String sweepId = null;
        String output = null;
        String uri = System.getenv(MlflowSettings.TRACKING_URI_ENV);
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--experiment" -> experiment = args[++i];
                    case "--sweep-id" -> sweepId = args[++i];
                    case "--output" -> output = args[++i];
                    case "--tracking-uri" -> uri = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
                }
            }
            if (experiment == null || output == null || uri == null) {
                throw new IllegalArgumentException("--experiment, --output and a tracking URI (--tracking-uri or MLFLOW_TRACKING_URI) are required; " + USAGE);
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            System.err.println("error: a flag is missing its value; " + USAGE);
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("layerpipe export " + experiment).getOrCreate();
        try (Tracker tracker = MlflowSettings.of(uri).connect()) {
            List<TrialOutcome> outcomes = RunRows.ofExperiment(tracker, experiment, sweepId);
            write(spark, outcomes, output);
            System.out.printf(Locale.ROOT, "exported %d trial runs of experiment '%s' to %s%n", outcomes.size(), experiment, output);
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
