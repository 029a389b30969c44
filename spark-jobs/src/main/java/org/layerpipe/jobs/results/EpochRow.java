package org.layerpipe.jobs.results;

import java.io.Serializable;

/**
 * One row of the {@code epochs} table: one trial's metrics after one epoch, with the settings
 * analyses group by repeated, so notes need no join for the common charts.
 */
public record EpochRow(
        String sweepName, String sweepId, int trialIndex, String trialId, String runId,
        String weightsLabel, String partitionResolved, int numStages, String schedule, String emaRule, long seed,
        int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
        double samplesPerSecond, double wallSeconds, double pipelineEfficiency, long historyBytes, long activationBytes,
        double reconstructionError, double reconstructionErrorMax, double learningRate,
        double[] stageBusy, double[] stageReconstructionError, double[] blockReconstructionError) implements Serializable {
}
