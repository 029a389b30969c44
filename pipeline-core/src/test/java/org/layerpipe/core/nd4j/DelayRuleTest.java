package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.schedule.Staleness;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The delay rule, measured on real stages: the number of updates a block's stage applies
 * between a minibatch's forward and its backward is {@code 2·S(l)} in steady state and
 * {@code min(j, 2S)} during fill under LayerPipe2; {@code S} under 1F1B; 0 under GPipe.
 */
class DelayRuleTest {

    private static final int UNITS = 14;

    static Stream<Arguments> cases() {
        return Stream.of(ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B, ScheduleKind.GPIPE)
                .flatMap(kind -> Stream.of(Partition.of(1, 1, 1, 1), Partition.of(2, 1, 1), Partition.of(1, 3))
                        .map(p -> Arguments.of(kind, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void measuredStalenessFollowsTheDelayRule(ScheduleKind kind, Partition partition) {
        ModelSpec model = TestModels.mlp();
        int microbatches = kind == ScheduleKind.GPIPE ? 2 : 1;
        int[] delays = kind.stageDelays(partition);
        List<INDArray> init = Nd4jLayers.initialParameters(model, DataType.DOUBLE, 1);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, init, delays, WeightSettings.stash(),
                SgdSettings.PLAIN, DataType.DOUBLE)) {
            Schedule schedule = Schedule.generate(kind, partition.numStages(), UNITS, microbatches);
            RunResult r = ReferenceExecutor.run(schedule, pipeline.stages(),
                    TestModels.data(model, schedule.numUnits(), 4, 3, DataType.DOUBLE), LearningRate.constant(0.05));
            for (int block = 0; block < model.numBlocks(); block++) {
                int stage = partition.stageOf(block);
                int nominal = switch (kind) {
                    case LAYERPIPE2 -> 2 * partition.stagesAfter(block);
                    case ONE_F_ONE_B -> partition.stagesAfter(block);
                    default -> 0;
                };
                for (int j = 0; j < schedule.numUnits(); j++) {
                    int expected = kind == ScheduleKind.GPIPE ? 0 : Math.min(j, nominal);
                    assertEquals(expected, r.staleness()[stage][j], kind + " " + partition + " block " + block + " minibatch " + j);
                }
            }
            assertArrayEquals(Staleness.updatesBetweenForwardAndBackward(schedule), r.staleness(),
                    "measured staleness must match the schedule's own count");
        }
    }
}
