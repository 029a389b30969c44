package org.layerpipe.core.train;

import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.weights.WeightSettings;

/**
 * What a {@link TrainingBackend} needs to build a trial's stages, and nothing of the data, schedule
 * or bookkeeping: the backend sees this, not the whole {@link TrialConfig}.
 *
 * @param model         the model's settings (a {@code dl4j:} model brings its own initial weights)
 * @param precision     float or double
 * @param threads       native threads for the whole trial (0 = all cores), shared out over the stages
 * @param seed          seed of the initial weights
 * @param weights       the weight history each stage keeps
 * @param sgd           the update each stage applies
 * @param activations   what a stage keeps for a minibatch's backward
 * @param profileBatch  examples per unit, the batch at which blocks are profiled for {@code balanced:M}
 */
public record StageSpec(ModelConfig model, Precision precision, int threads, long seed, WeightSettings weights, SgdSettings sgd,
                        ActivationPolicy activations, int profileBatch) {

    /** The stage settings of {@code trial}. */
    public static StageSpec of(TrialConfig trial) {
        return new StageSpec(trial.model(), trial.precision(), trial.threads(), trial.seed(), trial.weights(), trial.optimizer().sgd(),
                trial.activations(), trial.batchSize() / trial.microbatches());
    }
}
