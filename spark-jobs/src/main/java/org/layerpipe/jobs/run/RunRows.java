package org.layerpipe.jobs.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.PlanFigures;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * Rebuilds a trial's table rows from its MLflow run (params, tags, metric histories): used
 * for trials a resumed sweep skips, and by {@code ExportRuns} and the report for a whole experiment.
 * The inverse of what {@link TrialRunner} logs.
 */
public final class RunRows {

    private RunRows() {
    }

    /** Every trial run of the experiment (of one sweep if {@code sweepId} is given), as rows, in sweep order. */
    public static List<TrialOutcome> ofExperiment(Tracker tracker, String experiment, String sweepId) {
        String experimentId = tracker.experimentId(experiment);
        String filter = "tags.`" + RunNaming.TAG_ROLE + "` = 'trial'"
                + (sweepId == null ? "" : " AND tags.`" + RunNaming.TAG_SWEEP_ID + "` = '" + sweepId + "'");
        List<TrialOutcome> outcomes = new ArrayList<>();
        for (RunInfo run : tracker.searchRuns(experimentId, filter)) {
            outcomes.add(fromRun(run, tracker));
        }
        outcomes.sort(Comparator.comparing((TrialOutcome o) -> o.trial().sweepId()).thenComparingInt(o -> o.trial().trialIndex()));
        return outcomes;
    }

    /** The rows of a run, with the sweep name, id and trial index its tags name. */
    public static TrialOutcome fromRun(RunInfo run, Tracker tracker) {
        Map<String, String> tags = run.tags();
        return fromRun(run, tracker, new ResultRows.Context(tags.getOrDefault(RunNaming.TAG_SWEEP_NAME, ""),
                tags.getOrDefault(RunNaming.TAG_SWEEP_ID, ""), Integer.parseInt(tags.getOrDefault(RunNaming.TAG_TRIAL_INDEX, "-1")),
                run.runId(), run.name()));
    }

    /** The rows of a run, in the terms of {@code ctx} (a sweep that found the trial done in a run of another). */
    public static TrialOutcome fromRun(RunInfo run, Tracker tracker, ResultRows.Context ctx) {
        TrialConfig config = TrialConfig.fromParams(run.params());
        Map<String, List<Metric>> histories = new HashMap<>();
        for (String key : run.latestMetrics().keySet()) {
            if (RunNaming.isEpochMetric(key)) {
                histories.put(key, tracker.metricHistory(run.runId(), key));
            }
        }
        int stages = 0;
        while (run.latestMetrics().containsKey(RunNaming.STAGE_BUSY + stages)) {
            stages++;
        }
        // blocks without weights or never stale log no error: the array runs to the last block that did
        int blocks = 0;
        for (String key : run.latestMetrics().keySet()) {
            if (key.startsWith(RunNaming.BLOCK_RECONSTRUCTION)) {
                blocks = Math.max(blocks, Integer.parseInt(key.substring(RunNaming.BLOCK_RECONSTRUCTION.length())) + 1);
            }
        }
        TreeMap<Integer, Map<String, Double>> byEpoch = new TreeMap<>();
        histories.forEach((key, points) -> {
            for (Metric m : points) {
                // the latest value per step wins, as MLflow's UI shows it
                byEpoch.computeIfAbsent((int) m.step(), e -> new HashMap<>()).put(key, m.value());
            }
        });
        List<EpochMetrics> epochs = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, Double>> e : byEpoch.entrySet()) {
            Map<String, Double> v = e.getValue();
            double[] busy = new double[stages];
            double[] recon = new double[stages];
            int[] stalenessMax = new int[stages];
            double[] stalenessMean = new double[stages];
            for (int s = 0; s < stages; s++) {
                busy[s] = v.getOrDefault(RunNaming.STAGE_BUSY + s, Double.NaN);
                recon[s] = v.getOrDefault(RunNaming.STAGE_RECONSTRUCTION + s, Double.NaN);
                // runs logged before staleness was published have none: -1 says "not measured"
                stalenessMax[s] = (int) Math.round(v.getOrDefault(RunNaming.STALENESS_MAX + s, -1.0));
                stalenessMean[s] = v.getOrDefault(RunNaming.STALENESS_MEAN + s, Double.NaN);
            }
            double[] blockRecon = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                blockRecon[b] = v.getOrDefault(RunNaming.BLOCK_RECONSTRUCTION + b, Double.NaN);
            }
            epochs.add(new EpochMetrics(e.getKey(), get(v, "train_loss"), get(v, "train_accuracy"), get(v, "test_loss"),
                    get(v, "test_accuracy"), get(v, "samples_per_second"), get(v, "wall_seconds"), busy,
                    get(v, "pipeline_efficiency"), (long) get(v, "history_bytes"), (long) get(v, "activation_bytes"),
                    get(v, "reconstruction_error"), get(v, "reconstruction_error_max"), recon, get(v, "learning_rate"),
                    stalenessMax, stalenessMean, blockRecon));
        }
        Map<String, String> tags = run.tags();
        TrialStatus status = tags.containsKey(RunNaming.TAG_STATUS) ? TrialStatus.valueOf(tags.get(RunNaming.TAG_STATUS))
                : run.status() == RunStatus.FINISHED ? TrialStatus.FINISHED : TrialStatus.FAILED;
        Map<String, String> env = new HashMap<>();
        env.put("host", tags.getOrDefault(RunNaming.TAG_HOST, ""));
        env.put("device", tags.getOrDefault(RunNaming.TAG_DEVICE, ""));
        TrialResult result = new TrialResult(status, tags.getOrDefault(RunNaming.TAG_FAILURE, ""), epochs,
                tags.getOrDefault(RunNaming.TAG_PARTITION, config.partition().toString()),
                new Provenance(config.configHash(), config.seed(), config.toParams(), env));
        PlanFigures plan = status == TrialStatus.PLANNED ? RunNaming.planFigures(run.latestMetrics()) : null;
        return new TrialOutcome(ResultRows.trial(ctx, config, result, plan), ResultRows.epochs(ctx, config, result));
    }

    private static double get(Map<String, Double> v, String key) {
        return v.getOrDefault(key, Double.NaN);
    }
}
