package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The device-independent half of GPU correctness: a stage makes its arrays on its own worker
 * thread, after the worker's initialisation (where the CUDA build binds the thread to the
 * stage's GPU) — never on the thread that built the pipeline.
 */
class StageThreadingTest {

    @Test
    void eachStageMakesItsArraysOnItsWorkerAfterTheWorkerIsBound() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 2, 3);
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(partition);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, Nd4jLayers.initialParameters(model, DataType.FLOAT, 1),
                delays, WeightSettings.ema(org.layerpipe.core.weights.EmaRule.PIPELINE_AWARE), SgdSettings.PLAIN, DataType.FLOAT)) {
            pipeline.stages().forEach(s -> assertNull(s.arraysMadeOn(), "building the pipeline makes no device arrays"));
            Map<Integer, String> arraysAtBinding = new ConcurrentHashMap<>();
            ConcurrentExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 6, 1), pipeline.stages(),
                    TestModels.data(model, 6, 4, 3, DataType.FLOAT), LearningRate.constant(0.05),
                    stage -> arraysAtBinding.put(stage, String.valueOf(pipeline.stages().get(stage).arraysMadeOn())),
                    ConcurrentExecutor.DEFAULT_STALL_MILLIS, (unit, loss) -> { });
            for (int s = 0; s < 3; s++) {
                assertEquals("null", arraysAtBinding.get(s), "stage " + s + " had arrays before its worker was bound");
                assertEquals("layerpipe-stage-" + s, pipeline.stages().get(s).arraysMadeOn(), "stage " + s);
            }
        }
    }
}
