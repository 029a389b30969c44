package org.layerpipe.core.train;

import java.util.List;
import java.util.Map;

import org.layerpipe.core.data.Batch;
import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.stage.StageState;

/**
 * What the trainer needs from a compute backend (ND4J on CPU or CUDA): keeps
 * {@link PipelineTrainer} free of device types. The activation type stays hidden behind
 * {@link Run}'s type parameter.
 */
public interface TrainingBackend {

    /** Backend name, library versions and device, for provenance. */
    Map<String, String> describe();

    /** Measured cost of each block at the trial's profile batch, for {@code balanced:M} and measured plans. */
    BlockCosts profile(ModelSpec model, StageSpec spec);

    /** Builds the stages of one trial. */
    Run<?> open(ModelSpec model, Partition partition, int[] stageDelays, StageSpec spec);

    /** One trial's stages and the conversions that go with them. */
    interface Run<T> extends AutoCloseable {

        List<? extends Stage<T>> stages();

        /** Minibatches as units for the executor (split into {@code microbatches} each). */
        UnitSource<T> units(List<Batch> batches, int microbatches);

        /** Inference over {@code batches}: mean loss and accuracy. */
        Evaluation evaluate(List<Batch> batches);

        /** Run on each worker thread before its first op (thread budget, device binding). */
        void initWorker(int stage);

        /** Peak per-minibatch activation bytes held by each stage since the last call. */
        long drainPeakActivationBytes();

        /**
         * Every stage's state, in plain arrays, for a checkpoint; called between epochs, when the schedule has
         * drained (no minibatch in flight, every gradient applied).
         *
         * @throws IllegalStateException when a stage has not drained
         */
        List<StageState> snapshot();

        /**
         * Puts the stages of this fresh run into the states of a {@link #snapshot()} of the same trial.
         *
         * @throws IllegalArgumentException when a state does not fit its stage
         */
        void restore(List<StageState> states);

        @Override
        void close();
    }
}
