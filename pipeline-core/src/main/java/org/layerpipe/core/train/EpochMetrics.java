package org.layerpipe.core.train;

/**
 * What one epoch measured.
 *
 * @param epoch                 1-based
 * @param trainLoss             mean training loss of the epoch's minibatches (computed at their forward-time weights)
 * @param trainAccuracy         training accuracy over the epoch
 * @param testLoss              test loss after the epoch
 * @param testAccuracy          test accuracy after the epoch
 * @param samplesPerSecond      training examples per second of pipeline time (data conversion included, evaluation not)
 * @param wallSeconds           wall time of the epoch's training
 * @param stageBusy             per stage: fraction of the wall time spent computing
 * @param pipelineEfficiency    measured throughput × slowest stage's busy time per minibatch (1 = no bubble, no waiting)
 * @param historyBytes          weight-history bytes held at the peak, all stages
 * @param activationBytes       per-minibatch activations kept in flight at the peak, all stages
 * @param reconstructionError   mean ‖Ŵ−W_true‖/‖W_true−W_now‖ over the epoch (NaN unless shadowing)
 * @param reconstructionErrorMax largest such error (NaN unless shadowing)
 * @param stageReconstructionError per stage mean reconstruction error (NaN where not measured)
 * @param learningRate          rate at the end of the epoch
 * @param stageStalenessMax     per stage: the largest staleness measured from the version counters (updates between a
 *                              unit's forward and its backward); the schedule's nominal delay in steady state
 * @param stageStalenessMean    per stage: the mean measured staleness over the epoch's units, pipeline fill included
 * @param blockReconstructionError per block of the model: the mean reconstruction error of that block's own weights,
 *                              {@code ‖Ŵ_b−W_b,true‖/‖W_b,true−W_b,now‖} (NaN for blocks without weights, never stale or
 *                              not shadowed); empty when not known (results read back from before it was measured)
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                           double samplesPerSecond, double wallSeconds, double[] stageBusy, double pipelineEfficiency,
                           long historyBytes, long activationBytes, double reconstructionError, double reconstructionErrorMax,
                           double[] stageReconstructionError, double learningRate, int[] stageStalenessMax,
                           double[] stageStalenessMean, double[] blockReconstructionError) {

    /** Metrics without per-block reconstruction errors. */
    public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                        double samplesPerSecond, double wallSeconds, double[] stageBusy, double pipelineEfficiency,
                        long historyBytes, long activationBytes, double reconstructionError, double reconstructionErrorMax,
                        double[] stageReconstructionError, double learningRate, int[] stageStalenessMax,
                        double[] stageStalenessMean) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, samplesPerSecond, wallSeconds, stageBusy, pipelineEfficiency,
                historyBytes, activationBytes, reconstructionError, reconstructionErrorMax, stageReconstructionError, learningRate,
                stageStalenessMax, stageStalenessMean, new double[0]);
    }
}
