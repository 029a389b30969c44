package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.ReconstructionStats;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The EMA sees the update the stage really applied (the stage hands it over in different
 * buffers depending on the optimizer): measured against an exact shadow stash on real stages,
 * its reconstruction of stale weights beats using the current ones (error 1 by definition) by far
 * — for plain SGD, momentum, and a stage with batch-norm running statistics.
 */
class EmaOnStagesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(TestModels.mlp(), Partition.of(2, 2), SgdSettings.PLAIN),
                Arguments.of(TestModels.mlp(), Partition.of(2, 2), new SgdSettings(0.9, 1e-4)),
                Arguments.of(TestModels.cnn(), Partition.of(3, 5), SgdSettings.PLAIN),
                Arguments.of(TestModels.cnn(), Partition.of(3, 5), new SgdSettings(0.9, 0)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void reconstructionOfStaleWeightsIsMuchBetterThanTheCurrentWeights(ModelSpec model, Partition p, SgdSettings sgd) {
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(p);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 2), delays,
                WeightSettings.ema(EmaRule.PIPELINE_AWARE).withShadow(true), sgd, DataType.DOUBLE)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, p.numStages(), 30, 1), pipeline.stages(),
                    TestModels.data(model, 30, 8, 4, DataType.DOUBLE), LearningRate.constant(0.02));
            ReconstructionStats first = pipeline.stages().get(0).drainReconstructionStats();
            assertTrue(first.count() > 20, "stale backwards measured: " + first.count());
            assertTrue(first.mean() < 0.5, model.name() + " " + sgd + ": mean reconstruction error " + first.mean());
        }
    }
}
