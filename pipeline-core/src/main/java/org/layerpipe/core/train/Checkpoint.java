package org.layerpipe.core.train;

import java.util.List;

import org.layerpipe.core.stage.StageState;

/**
 * A trial's state after an epoch: what {@link PipelineTrainer} needs to go on with the next epoch
 * exactly as if it had never stopped. The data order and augmentation of every epoch are functions of
 * {@code (seed, epoch)} ({@code Batches}), the learning rate of the update count (the stages' versions),
 * so with the stages' states these are all of it.
 *
 * @param trialId     the trial's id ({@link TrialConfig#configHash()}); a checkpoint restores only its own trial
 * @param epoch       epochs completed, 1-based
 * @param partition   the partition that ran, e.g. {@code [2,3]} (a {@code balanced:M} trial keeps the split it profiled)
 * @param seed        the trial's seed
 * @param trainDigest digest of the training examples as read, limits applied ({@code Dataset.digest()})
 * @param testDigest  the same for the test examples
 * @param epochs      metrics of epochs 1..epoch, as measured then
 * @param stages      every stage's state
 */
public record Checkpoint(String trialId, int epoch, String partition, long seed, String trainDigest, String testDigest,
                         List<EpochMetrics> epochs, List<StageState> stages) {

    public Checkpoint {
        epochs = List.copyOf(epochs);
        stages = List.copyOf(stages);
        if (epoch < 1) {
            throw new IllegalArgumentException("a checkpoint is written after an epoch, got epoch " + epoch);
        }
        if (epochs.size() != epoch) {
            throw new IllegalArgumentException("a checkpoint after epoch " + epoch + " needs the metrics of " + epoch
                    + " epochs, got " + epochs.size());
        }
    }
}
