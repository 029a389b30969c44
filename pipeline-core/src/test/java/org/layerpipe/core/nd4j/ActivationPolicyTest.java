package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Under STASH the backward's weights are exactly its forward's, so keeping the forward's saved
 * tensors ({@code activations: stash}) and re-running the forward from the stage input
 * ({@code activations: recompute}) must train to the same weights — for plain layers, batch
 * norm (whose batch statistics are saved) and residual blocks, with staleness on every stage
 * but the last.
 */
class ActivationPolicyTest {

    static ModelSpec residual() {
        return new ModelSpec("tiny-resnet", new Shape.Image(2, 6, 6), List.of(
                new Block.Conv2d(4, 3, 1, 1, false, Activation.IDENTITY),
                new Block.BatchNorm(),
                new Block.Act(Activation.RELU),
                new Block.Residual(4, 1),
                new Block.Residual(6, 2),
                new Block.Pool(Block.Pool.PoolType.AVG, 3, 3),
                new Block.Flatten(),
                new Block.Dense(3, Activation.IDENTITY),
                new Block.SoftmaxLoss()));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(TestModels.mlp(), Partition.of(1, 1, 1, 1)),
                Arguments.of(TestModels.mlp(), Partition.of(2, 2)),
                Arguments.of(TestModels.cnn(), Partition.of(1, 2, 2, 3)),
                Arguments.of(TestModels.cnn(), Partition.of(3, 5)),
                Arguments.of(residual(), Partition.of(3, 1, 1, 4)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void stashedActivationsEqualRecomputedOnesUnderWeightStashing(ModelSpec model, Partition p) {
        INDArray stashed = train(model, p, ActivationPolicy.STASH);
        INDArray recomputed = train(model, p, ActivationPolicy.RECOMPUTE);
        double diff = TestModels.maxAbsDiff(stashed, recomputed);
        assertTrue(diff <= 1e-10, model.name() + " " + p + ": max |W_stash − W_recompute| = " + diff);
        assertTrue(TestModels.maxAbsDiff(stashed, initial(model)) > 1e-3, "training must move the weights");
    }

    private static INDArray initial(ModelSpec model) {
        return org.nd4j.linalg.factory.Nd4j.concat(0, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 4).stream()
                .filter(a -> a.length() > 0).toArray(INDArray[]::new));
    }

    private static INDArray train(ModelSpec model, Partition p, ActivationPolicy policy) {
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(p);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 4), delays,
                WeightSettings.stash(), new SgdSettings(0.9, 1e-4), DataType.DOUBLE, policy)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, p.numStages(), 16, 1), pipeline.stages(),
                    TestModels.data(model, 16, 8, 2, DataType.DOUBLE), LearningRate.constant(0.1));
            return pipeline.parameters();
        }
    }
}
