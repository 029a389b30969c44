package org.layerpipe.jobs.run;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.layerpipe.core.nd4j.Nd4jBackend;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.train.BuildInfo;
import org.layerpipe.core.train.PipelineTrainer;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.jobs.results.PlanFigures;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.tracking.MlflowLimits;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * A sweep trial with {@code plan: true}, in its Spark task: simulated by {@link TrialPlanner}
 * instead of trained — no data read, no checkpoint, no epochs. Its run (prepared by the driver,
 * claimed through the {@link TrialLedger} like a trained trial's, so a retry never makes a second
 * one) gets the predicted figures as metrics at step 0 ({@link RunNaming#metrics(PlanFigures, long)}),
 * the tags {@code layerpipe.planned=true} and {@code layerpipe.status=PLANNED}, the partition the
 * planner chose and a note with the headline figures, and ends FINISHED: a planned trial is done, and a
 * re-submission skips it. A setup the planner cannot simulate ends FAILED with the reason.
 */
final class PlannedTrial {

    private PlannedTrial() {
    }

    static TrialOutcome run(TrialTask task, TrialConfig config, Tracker tracker, int attempt, List<Integer> gpus) {
        TrialLedger.Claim claim = TrialLedger.claim(task, tracker, attempt, false);
        if (claim instanceof TrialLedger.Finished earlier) {
            return TrialLedger.rows(earlier.run(), tracker, task.sweepName(), task.sweepId(), task.trialIndex());
        }
        String runId = ((TrialLedger.Train) claim).runId();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("host", PipelineTrainer.host());
        env.put("device", "planner");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_ATTEMPT, String.valueOf(attempt));
        tags.put(RunNaming.TAG_TASK_START, String.valueOf(System.currentTimeMillis()));
        tags.put(RunNaming.TAG_HOST, env.get("host"));
        tags.put(RunNaming.TAG_DEVICE, env.get("device"));
        tags.put(RunNaming.TAG_PLANNED, "true");
        tags.put("layerpipe.git_commit", BuildInfo.properties().getOrDefault("layerpipe.git.commit", ""));
        tags.put(RunNaming.TAG_STATE, "done");
        Provenance provenance = new Provenance(config.configHash(), config.seed(), config.toParams(), env);
        ResultRows.Context rc = new ResultRows.Context(task.sweepName(), task.sweepId(), task.trialIndex(), runId, task.runName());

        Prediction prediction;
        try {
            // measured costs profile the blocks on this executor's backend; estimated ones start none
            prediction = TrialPlanner.plan(config, () -> new Nd4jBackend(gpus));
        } catch (RuntimeException e) {
            String reason = "the planner cannot simulate this trial: " + e.getMessage();
            tags.put(RunNaming.TAG_STATUS, TrialStatus.FAILED.name());
            tags.put(RunNaming.TAG_FAILURE, MlflowLimits.cut(reason, MlflowLimits.TAG_VALUE, TrialRunner.FAILURE_ARTIFACT));
            tags.put(RunNaming.TAG_NOTE, MlflowLimits.cut("**failed**: " + reason, MlflowLimits.TAG_VALUE, TrialRunner.FAILURE_ARTIFACT));
            tracker.setTags(runId, tags);
            tracker.finishRun(runId, RunStatus.FAILED);
            TrialResult failed = new TrialResult(TrialStatus.FAILED, reason, List.of(), config.partition().toString(), provenance);
            return new TrialOutcome(ResultRows.trial(rc, config, failed), List.of());
        }
        PlanFigures figures = PlanFigures.of(prediction);
        tracker.logMetrics(runId, RunNaming.metrics(figures, System.currentTimeMillis()));
        String partition = prediction.partition().toString();
        tags.put(RunNaming.TAG_STATUS, TrialStatus.PLANNED.name());
        tags.put(RunNaming.TAG_PARTITION, partition);
        tags.put(RunNaming.TAG_STAGE_DELAYS, Arrays.toString(prediction.stageStaleness()).replace(" ", ""));
        tags.put(RunNaming.TAG_NOTE, note(config, prediction, figures));
        tracker.setTags(runId, tags);
        tracker.finishRun(runId, RunStatus.FINISHED);
        TrialResult result = new TrialResult(TrialStatus.PLANNED, "", List.of(), partition, provenance);
        return new TrialOutcome(ResultRows.trial(rc, config, result, figures), List.of());
    }

    /** The run's note: what was simulated and its headline figures. */
    static String note(TrialConfig config, Prediction p, PlanFigures f) {
        return String.format(Locale.ROOT, "**planned** (simulated, not trained): %s on %d devices, partition %s, schedule %s,"
                        + " batch %d, %s costs — %.3f ms per minibatch, %.0f samples/s, bubble %.1f %%, peak activations %s,"
                        + " STASH history %s, EMA history %s", config.model().name(), p.devices(), p.partition(),
                TrialConfig.label(config.schedule()), config.batchSize(), config.plan().costs().label(), 1e3 * f.secondsPerMinibatch(),
                f.samplesPerSecond(), 100 * f.bubble(), WeightMemory.human(f.peakActivationBytes()),
                WeightMemory.human(f.historyBytesStash()), WeightMemory.human(f.historyBytesEma()));
    }
}
