package org.layerpipe.jobs.results;

import java.io.Serializable;

/**
 * One row of the {@code trials} table: a trial's settings, how it ended and its headline
 * numbers. Column names are the record's components in snake_case (see {@link ResultTables}).
 * A planned trial ({@code plan: true}, status PLANNED) has {@code planned} set, its plan settings
 * and the {@code predicted_*} figures of {@link PlanFigures}, and no trained figures (NaN, 0); a
 * trained trial has those columns null.
 */
public record TrialRow(
        String sweepName, String sweepId, int trialIndex, String trialId, String runId, String runName,
        String status, String message,
        String model, String data, String partition, String partitionResolved, int numStages, String schedule,
        int microbatches, String weights, String weightsLabel, String emaRule, double emaBeta, boolean emaShadow,
        double lr, String lrSchedule, double lrWarmup, double momentum, double weightDecay, int batchSize, int epochs, long seed,
        String precision,
        int epochsCompleted, double finalTrainLoss, double finalTrainAccuracy, double finalTestLoss,
        double finalTestAccuracy, double bestTestAccuracy, double samplesPerSecond, double totalWallSeconds,
        double pipelineEfficiency, long historyBytes, long activationBytes, double reconstructionError,
        String host, String device,
        boolean planned, String planCosts, Double planDeviceTflops, Double planLinkGbps, Double planLinkLatencyUs, Integer devices,
        Double predictedSecondsPerMinibatch, Double predictedSamplesPerSecond, Double predictedBubble, Double predictedMakespanSeconds,
        Integer predictedCriticalPathEvents, Long predictedPeakActivationBytes, Long predictedWeightBytes,
        Long predictedHistoryBytesStash, Long predictedHistoryBytesEma, double[] predictedDeviceActivationBytes,
        double[] predictedDeviceBusy, double[] predictedStageStaleness, double[] predictedStageWeightBytes,
        double[] predictedStageHistoryBytesStash, double[] predictedStageHistoryBytesEma) implements Serializable {

    /** The same row with another status and message (a paused trial that ends stopped). */
    public TrialRow withStatus(String newStatus, String newMessage) {
        return new TrialRow(sweepName, sweepId, trialIndex, trialId, runId, runName, newStatus, newMessage, model, data, partition,
                partitionResolved, numStages, schedule, microbatches, weights, weightsLabel, emaRule, emaBeta, emaShadow, lr, lrSchedule,
                lrWarmup, momentum, weightDecay, batchSize, epochs, seed, precision, epochsCompleted, finalTrainLoss, finalTrainAccuracy,
                finalTestLoss, finalTestAccuracy, bestTestAccuracy, samplesPerSecond, totalWallSeconds, pipelineEfficiency, historyBytes,
                activationBytes, reconstructionError, host, device, planned, planCosts, planDeviceTflops, planLinkGbps, planLinkLatencyUs,
                devices, predictedSecondsPerMinibatch, predictedSamplesPerSecond, predictedBubble, predictedMakespanSeconds,
                predictedCriticalPathEvents, predictedPeakActivationBytes, predictedWeightBytes, predictedHistoryBytesStash,
                predictedHistoryBytesEma, predictedDeviceActivationBytes, predictedDeviceBusy, predictedStageStaleness,
                predictedStageWeightBytes, predictedStageHistoryBytesStash, predictedStageHistoryBytesEma);
    }
}
