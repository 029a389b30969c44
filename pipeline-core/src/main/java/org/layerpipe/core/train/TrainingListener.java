package org.layerpipe.core.train;

/** Callbacks while a trial trains; all default to nothing. Called on the training thread. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** The trial is set up: the partition chosen and the table of blocks, stages and delays. */
    default void onStart(TrialConfig config, String partition, String delayTable, Provenance provenance) {
    }

    /** The data is loaded (limits applied): what the trial trains and tests on. */
    default void onData(DataSummary train, DataSummary test) {
    }

    /** About every second during an epoch: minibatches done of total, running mean training loss. */
    default void onProgress(int epoch, int done, int total, double runningLoss) {
    }

    /** An epoch finished and was evaluated. */
    default void onEpoch(EpochMetrics metrics) {
    }
}
