package org.layerpipe.core.train;

import java.util.List;

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

    /**
     * The trial goes on from a checkpoint: epochs 1..{@code epoch} were trained by an earlier run and are not
     * trained again. Called once, after {@link #onStart}, before the first {@link #onEpoch} (of epoch
     * {@code epoch + 1}, if any is left). {@code restored} are those epochs' metrics as that run measured them;
     * the earlier run may have reported some or all of them already — a listener that records epochs (an MLflow
     * run's steps) logs only the ones it does not have.
     *
     * @param checkpoint the checkpoint's folder
     */
    default void onResume(int epoch, String checkpoint, List<EpochMetrics> restored) {
    }

    /**
     * A checkpoint of the state after {@code epoch} is written (its folder). Called after the epoch is evaluated and
     * before its {@link #onEpoch}: a trial killed in between resumes after this epoch.
     */
    default void onCheckpoint(int epoch, String checkpoint) {
    }

    /** An epoch finished and was evaluated. */
    default void onEpoch(EpochMetrics metrics) {
    }

    /**
     * Asked after each epoch but the last is evaluated, before its checkpoint and {@link #onEpoch} (and after a
     * resume, of the restored epoch): whether to train the next one. A trial told no ends STOPPED after that
     * epoch, with a checkpoint of it (the trial must have {@code checkpoint.dir}), so that the same trial run
     * again continues from there.
     */
    default boolean continueAfter(int epoch) {
        return true;
    }
}
