package org.layerpipe.jobs.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.layerpipe.core.plan.PlanSettings;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;

/** Builds table rows from a trial's result. */
public final class ResultRows {

    private ResultRows() {
    }

    /** Where the trial ran and under which sweep. */
    public record Context(String sweepName, String sweepId, int trialIndex, String runId, String runName) {
    }

    /** The row of a trained trial (its {@code predicted_*} columns null). */
    public static TrialRow trial(Context ctx, TrialConfig config, TrialResult result) {
        return trial(ctx, config, result, null);
    }

    /** The row of a trial; {@code plan} holds a planned trial's predictions (null for a trained trial, or a plan that failed). */
    public static TrialRow trial(Context ctx, TrialConfig config, TrialResult result, PlanFigures plan) {
        List<EpochMetrics> epochs = result.epochs();
        EpochMetrics last = result.last();
        double best = Double.NaN;
        double throughput = 0;
        double wall = 0;
        double efficiency = 0;
        long history = 0;
        long activations = 0;
        for (EpochMetrics m : epochs) {
            best = Double.isNaN(best) ? m.testAccuracy() : Math.max(best, m.testAccuracy());
            throughput += m.samplesPerSecond();
            wall += m.wallSeconds();
            efficiency += m.pipelineEfficiency();
            history = Math.max(history, m.historyBytes());
            activations = Math.max(activations, m.activationBytes());
        }
        int n = epochs.size();
        Map<String, String> p = config.toParams();
        Map<String, String> env = result.provenance().environment();
        PlanSettings settings = config.plan().enabled() ? config.plan() : null; // a trained trial's plan columns are null
        return new TrialRow(ctx.sweepName(), ctx.sweepId(), ctx.trialIndex(), config.configHash(), ctx.runId(), ctx.runName(),
                result.status().name(), result.message(),
                p.get("model"), p.get("data"), p.get("partition"), result.partition(), stages(result.partition()),
                p.get("schedule"), config.microbatches(), p.get("weights"), config.weights().label(), p.get("ema.rule"),
                config.weights().beta(), config.weights().shadow(), config.optimizer().lr(), p.get("lr_schedule"),
                config.optimizer().warmupEpochs(),
                config.optimizer().momentum(), config.optimizer().weightDecay(), config.batchSize(), config.epochs(), config.seed(),
                p.get("precision"),
                n, last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.trainAccuracy(),
                last == null ? Double.NaN : last.testLoss(), last == null ? Double.NaN : last.testAccuracy(), best,
                n == 0 ? Double.NaN : throughput / n, wall, n == 0 ? Double.NaN : efficiency / n, history, activations,
                last == null ? Double.NaN : last.reconstructionError(),
                env.getOrDefault("host", ""), env.getOrDefault("device", ""),
                config.plan().enabled(), orNull(settings, s -> s.costs().label()), orNull(settings, PlanSettings::deviceTflops),
                orNull(settings, PlanSettings::linkGbps), orNull(settings, PlanSettings::linkLatencyUs),
                orNull(plan, PlanFigures::devices), orNull(plan, PlanFigures::secondsPerMinibatch),
                orNull(plan, PlanFigures::samplesPerSecond), orNull(plan, PlanFigures::bubble), orNull(plan, PlanFigures::makespanSeconds),
                orNull(plan, PlanFigures::criticalPathEvents), orNull(plan, PlanFigures::peakActivationBytes),
                orNull(plan, PlanFigures::weightBytes), orNull(plan, PlanFigures::historyBytesStash), orNull(plan, PlanFigures::historyBytesEma),
                orNull(plan, PlanFigures::deviceActivationBytes), orNull(plan, PlanFigures::deviceBusy),
                orNull(plan, PlanFigures::stageStaleness), orNull(plan, PlanFigures::stageWeightBytes),
                orNull(plan, PlanFigures::stageHistoryBytesStash), orNull(plan, PlanFigures::stageHistoryBytesEma));
    }

    public static List<EpochRow> epochs(Context ctx, TrialConfig config, TrialResult result) {
        List<EpochRow> rows = new ArrayList<>();
        for (EpochMetrics m : result.epochs()) {
            rows.add(new EpochRow(ctx.sweepName(), ctx.sweepId(), ctx.trialIndex(), config.configHash(), ctx.runId(),
                    config.weights().label(), result.partition(), stages(result.partition()), TrialConfig.label(config.schedule()),
                    config.toParams().get("ema.rule"), config.seed(),
                    m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.samplesPerSecond(),
                    m.wallSeconds(), m.pipelineEfficiency(), m.historyBytes(), m.activationBytes(), m.reconstructionError(),
                    m.reconstructionErrorMax(), m.learningRate(), m.stageBusy().clone(), m.stageReconstructionError().clone(),
                    m.blockReconstructionError().clone()));
        }
        return rows;
    }

    /** {@code get} of {@code value}, or null without one: the columns of a planned trial, null for a trained one. */
    private static <T, R> R orNull(T value, Function<T, R> get) {
        return value == null ? null : get.apply(value);
    }

    /** Number of stages of a resolved partition text like {@code [2,2,1]}; 0 if it was never resolved. */
    static int stages(String partition) {
        if (partition == null || !partition.startsWith("[")) {
            return 0;
        }
        return partition.split(",").length;
    }
}
