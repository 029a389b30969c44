package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The concurrent executor reproduces the clocked reference for every schedule and weight mode (double, ≤ 1e-8). */
class ConcurrentTransparencyTest {

    static Stream<Arguments> cases() {
        List<WeightSettings> modes = List.of(WeightSettings.latest(), WeightSettings.stash(),
                WeightSettings.ema(EmaRule.PIPELINE_AWARE), WeightSettings.emaFixed(0.9), WeightSettings.ema(EmaRule.WEIGHT_AVERAGE));
        return Stream.of(ScheduleKind.values()).filter(kind -> !kind.planOnly()).flatMap(kind -> modes.stream().map(w -> Arguments.of(kind, w)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void concurrentEqualsReference(ScheduleKind kind, WeightSettings weights) {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 2, 3);
        int micro = kind.microbatched() ? 2 : 1;
        int units = 12;
        TestModels.Data data = TestModels.data(model, units, 6, 9, DataType.DOUBLE);
        Schedule schedule = Schedule.generate(kind, 3, units, micro);
        SgdSettings sgd = new SgdSettings(0.9, 1e-3);
        RunResult ref;
        INDArray refParams;
        try (Nd4jPipeline p = build(model, partition, kind, weights, sgd)) {
            ref = ReferenceExecutor.run(schedule, p.stages(), data, LearningRate.constant(0.05));
            refParams = p.parameters();
        }
        try (Nd4jPipeline p = build(model, partition, kind, weights, sgd)) {
            RunResult con = ConcurrentExecutor.run(schedule, p.stages(), data, LearningRate.constant(0.05));
            double diff = TestModels.maxAbsDiff(refParams, p.parameters());
            assertTrue(diff <= 1e-8, kind + " " + weights.label() + ": max |W_concurrent − W_reference| = " + diff);
            assertArrayEquals(ref.losses(), con.losses(), 1e-8);
            assertArrayEquals(ref.staleness(), con.staleness());
        }
    }

    private static Nd4jPipeline build(ModelSpec model, Partition partition, ScheduleKind kind, WeightSettings w, SgdSettings sgd) {
        int[] delays = kind.stageDelays(partition);
        return Nd4jPipeline.build(model, partition, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 5), delays, w, sgd, DataType.DOUBLE);
    }
}
