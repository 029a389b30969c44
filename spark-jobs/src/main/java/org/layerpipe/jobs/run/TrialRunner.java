package org.layerpipe.jobs.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.layerpipe.core.nd4j.Nd4jBackend;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.partition.PartitionSpec;
import org.layerpipe.core.train.Checkpoints;
import org.layerpipe.core.train.DataSummary;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.PipelineTrainer;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.MlflowLimits;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.RetryPolicy;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;
import org.layerpipe.jobs.tracking.TrackingException;

/**
 * Runs one trial inside a Spark task and logs it to its MLflow run: params were logged by the
 * driver; this adds tags (host, device, Spark attempt, stage delays), the data sets as dataset
 * inputs, metrics per epoch as they come (measured staleness included), system metrics
 * ({@link SystemMetrics}), the artifacts (delay table, config, per-epoch CSV, provenance JSON)
 * and the final status with the reason.
 *
 * <p>Idempotent under retries: the driver prepared the run, and the {@link TrialLedger} claims it
 * before training — a run an earlier attempt finished is returned as it is, a run an earlier
 * attempt started (a crashed executor, a killed job) is replaced by a fresh one, so a trial never
 * has two live runs nor a run with two attempts' metrics. Logging goes through a
 * {@link JournalingTracker}: while the server is down, calls wait in a local journal. A trial with
 * {@code plan: true} is simulated instead ({@link PlannedTrial}).
 */
public final class TrialRunner {

    /** Where a failure message too long for a tag is kept whole. */
    static final String FAILURE_ARTIFACT = "failure.txt";
    private static final System.Logger LOG = System.getLogger(TrialRunner.class.getName());

    private TrialRunner() {
    }

    /** Entry point of a Spark task. */
    public static TrialOutcome run(TrialTask task) {
        TaskContext ctx = TaskContext.get();
        int attempt = ctx == null ? 0 : ctx.attemptNumber();
        List<Integer> gpus = ctx == null ? List.of() : gpus(ctx);
        MlflowRestTracker mlflow = MlflowSettings.of(task.trackingUri())
                .withRetry(RetryPolicy.DEFAULT.withMaxElapsed(task.trackingRetry())).connect();
        try (Tracker tracker = new JournalingTracker(mlflow, journalDir(task), mlflow::ping, JournalingTracker.DEFAULT_PROBE_INTERVAL,
                task.journalWait())) {
            return run(task, tracker, attempt, gpus);
        }
    }

    /**
     * One journal folder per trial: a journal is owned by one tracker at a time, and several
     * trials run at once in one executor. A retry of the trial on the same machine finds what
     * an earlier, killed attempt left there and replays it first.
     */
    static Path journalDir(TrialTask task) {
        return Path.of(task.journalDir(), task.sweepId(), task.trialIndex() + "-" + task.trialId());
    }

    /** The task's work with a given tracker (tests pass an in-memory one). */
    public static TrialOutcome run(TrialTask task, Tracker tracker, int attempt, List<Integer> gpus) {
        return run(task, tracker, attempt, gpus, SystemMetrics.DEFAULT_INTERVAL);
    }

    /** {@link #run(TrialTask, Tracker, int, List)} sampling the system metrics every {@code systemInterval}. */
    static TrialOutcome run(TrialTask task, Tracker tracker, int attempt, List<Integer> gpus, Duration systemInterval) {
        TrialConfig config = TrialConfig.fromParams(task.params());
        if (config.plan().enabled()) {
            return PlannedTrial.run(task, config, tracker, attempt, gpus);
        }
        Configuration hadoop = new Configuration();
        // (a forced re-run's driver deleted the finished trial's checkpoints before queuing it)
        TrialLedger.Claim claim = TrialLedger.claim(task, tracker, attempt,
                Checkpoints.lastEpoch(config.checkpoint().dir(), task.trialId(), hadoop) > 0);
        if (claim instanceof TrialLedger.Finished earlier) {
            LOG.log(System.Logger.Level.INFO, () -> "trial " + task.trialIndex() + " already finished in run " + earlier.run().runId()
                    + " by an earlier attempt: its rows are rebuilt from the run, nothing is trained");
            return TrialLedger.rows(earlier.run(), tracker, task.sweepName(), task.sweepId(), task.trialIndex());
        }
        TrialLedger.Train train = (TrialLedger.Train) claim;
        String runId = train.runId();
        // epochs the run already holds (a resumed run): logged again they would be duplicate steps
        Set<Long> logged = new HashSet<>();
        if (train.resumes()) {
            tracker.metricHistory(runId, RunNaming.EPOCH_METRICS.get(0)).forEach(m -> logged.add(m.step()));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_STATE, "running");
        tags.put(RunNaming.TAG_ATTEMPT, String.valueOf(attempt));
        tags.put(RunNaming.TAG_TASK_START, String.valueOf(System.currentTimeMillis()));
        tags.put(RunNaming.TAG_GPUS, gpus.toString());
        tracker.setTags(runId, tags);

        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("spark.attempt", String.valueOf(attempt));
        extra.put("gpus", gpus.toString());
        PipelineTrainer trainer = new PipelineTrainer(new Nd4jBackend(gpus), hadoop, extra);
        TrialResult result;
        try (SystemMetrics system = SystemMetrics.start(tracker, runId, systemInterval)) {
            result = trainer.train(config, new TrainingListener() {
                @Override
                public void onStart(TrialConfig c, String partition, String delayTable, Provenance provenance) {
                    Map<String, String> t = new LinkedHashMap<>();
                    t.put(RunNaming.TAG_PARTITION, partition);
                    t.put(RunNaming.TAG_HOST, provenance.environment().getOrDefault("host", ""));
                    t.put(RunNaming.TAG_DEVICE, provenance.environment().getOrDefault("device", ""));
                    t.put("layerpipe.git_commit", provenance.environment().getOrDefault("layerpipe.git.commit", ""));
                    t.put("layerpipe.backend", provenance.environment().getOrDefault("nd4j.backend", ""));
                    t.put("layerpipe.natives", provenance.environment().getOrDefault("nd4j.natives", ""));
                    t.put(RunNaming.TAG_STAGE_DELAYS, Arrays.toString(c.schedule().stageDelays(resolved(partition))).replace(" ", ""));
                    tracker.setTags(runId, t);
                    tracker.logArtifact(runId, "delays.txt", delayTable.getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void onData(DataSummary train, DataSummary test) {
                    tracker.logInputs(runId, List.of(RunNaming.datasetInput(train), RunNaming.datasetInput(test)));
                }

                @Override
                public void onResume(int epoch, String checkpoint, List<EpochMetrics> restored) {
                    LOG.log(System.Logger.Level.INFO, () -> "resuming trial " + task.trialIndex() + " (" + task.trialId() + ") from epoch "
                            + epoch + " (" + checkpoint + ") in run " + runId);
                    tracker.setTags(runId, Map.of(RunNaming.TAG_RESUMED_FROM, String.valueOf(epoch)));
                    // a fresh run, or one whose attempt died before it logged them, gets the restored epochs
                    restored.forEach(this::onEpoch);
                }

                @Override
                public void onEpoch(EpochMetrics m) {
                    if (logged.add((long) m.epoch())) {
                        tracker.logMetrics(runId, RunNaming.metrics(m, System.currentTimeMillis()));
                    }
                }

                @Override
                public boolean continueAfter(int epoch) {
                    return task.untilEpoch() == 0 || epoch < task.untilEpoch();
                }
            });
        }

        ResultRows.Context rc = new ResultRows.Context(task.sweepName(), task.sweepId(), task.trialIndex(), runId, task.runName());
        if (result.status() == TrialStatus.STOPPED) {
            // paused at a successive-halving rung: the run stays open for the next rung, or the driver stops it
            bookkeep(runId, "the pause", () -> tracker.setTags(runId, Map.of(RunNaming.TAG_STATE, "paused",
                    RunNaming.TAG_RUNG, String.valueOf(result.epochs().size()))));
            return new TrialOutcome(ResultRows.trial(rc, config, result), ResultRows.epochs(rc, config, result));
        }
        // The trial is trained: from here on a refused call is logged (and journaled under
        // rejected/), never thrown, since a failed task would make Spark train it all again.
        bookkeep(runId, "trial.properties", () -> tracker.logArtifact(runId, "trial.properties",
                properties(config.toParams()).getBytes(StandardCharsets.UTF_8)));
        bookkeep(runId, "epochs.csv", () -> tracker.logArtifact(runId, "epochs.csv", csv(result.epochs()).getBytes(StandardCharsets.UTF_8)));
        bookkeep(runId, "provenance.json", () -> tracker.logArtifact(runId, "provenance.json",
                result.provenance().toJson().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> end = new LinkedHashMap<>();
        end.put(RunNaming.TAG_STATE, "done");
        end.put(RunNaming.TAG_STATUS, result.status().name());
        end.put(RunNaming.TAG_PARTITION, result.partition());
        if (result.status() != TrialStatus.FINISHED) {
            String note = "**" + result.status().name().toLowerCase(Locale.ROOT) + "**: " + result.message();
            if (note.length() > MlflowLimits.TAG_VALUE) {
                bookkeep(runId, FAILURE_ARTIFACT, () -> tracker.logArtifact(runId, FAILURE_ARTIFACT,
                        result.message().getBytes(StandardCharsets.UTF_8)));
            }
            end.put(RunNaming.TAG_FAILURE, MlflowLimits.cut(result.message(), MlflowLimits.TAG_VALUE, FAILURE_ARTIFACT));
            end.put(RunNaming.TAG_NOTE, MlflowLimits.cut(note, MlflowLimits.TAG_VALUE, FAILURE_ARTIFACT));
        }
        bookkeep(runId, "the final tags", () -> tracker.setTags(runId, end));
        bookkeep(runId, "the final status", () -> tracker.finishRun(runId,
                result.status() == TrialStatus.FINISHED ? RunStatus.FINISHED : RunStatus.FAILED));

        return new TrialOutcome(ResultRows.trial(rc, config, result), ResultRows.epochs(rc, config, result));
    }

    /** One call of the final bookkeeping: a refusal is a warning, not a failed task. */
    private static void bookkeep(String runId, String what, Runnable call) {
        try {
            call.run();
        } catch (TrackingException refused) {
            LOG.log(System.Logger.Level.WARNING, () -> "MLflow refused " + what + " of run " + runId + " after the trial trained: "
                    + refused.getMessage() + " (the trial's results are in the sweep's tables; the call is kept in the"
                    + " tracking journal's rejected/ folder)");
        }
    }

    /** The partition the trainer resolved, from its canonical text ({@code [2,3]}). */
    private static Partition resolved(String partition) {
        return new Partition(((PartitionSpec.Explicit) PartitionSpec.parse(partition)).sizes());
    }

    private static List<Integer> gpus(TaskContext ctx) {
        List<Integer> ids = new ArrayList<>();
        ResourceInformation gpu = ctx.resourcesJMap().get("gpu");
        if (gpu != null) {
            for (String a : gpu.addresses()) {
                ids.add(Integer.parseInt(a.trim()));
            }
        }
        return ids;
    }

    static String properties(Map<String, String> params) {
        StringBuilder sb = new StringBuilder("# trial settings (layerpipe train --KEY VALUE, or a sweep file's base)\n");
        params.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    static String csv(List<EpochMetrics> epochs) {
        StringBuilder sb = new StringBuilder("epoch");
        for (String k : RunNaming.EPOCH_METRICS) {
            sb.append(',').append(k);
        }
        sb.append(",stage_busy,stage_reconstruction_error,stage_staleness_max,stage_staleness_mean\n");
        for (EpochMetrics m : epochs) {
            double[] v = RunNaming.values(m);
            sb.append(m.epoch());
            for (double x : v) {
                sb.append(',').append(x);
            }
            sb.append(',').append(join(m.stageBusy())).append(',').append(join(m.stageReconstructionError()))
                    .append(',').append(join(Arrays.stream(m.stageStalenessMax()).asDoubleStream().toArray()))
                    .append(',').append(join(m.stageStalenessMean())).append('\n');
        }
        return sb.toString();
    }

    private static String join(double[] a) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < a.length; i++) {
            sb.append(i == 0 ? "" : ";").append(a[i]);
        }
        return sb.append('"').toString();
    }
}
