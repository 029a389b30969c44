package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ResNet-18 (CIFAR variant) builds, partitions into 2, 4 and 8 stages and trains a few pipelined steps on CIFAR-shaped data. */
class ResNet18Test {

    @Test
    void buildsPartitionsAndTrains() {
        ModelSpec resnet = Models.resnet18(new Shape.Image(3, 32, 32), 10);
        assertEquals(15, resnet.numBlocks());
        long params = resnet.totalParameters();
        assertTrue(params > 11_000_000 && params < 11_300_000, "about 11M parameters: " + params);
        List<INDArray> init = Nd4jLayers.initialParameters(resnet, DataType.FLOAT, 1);
        assertEquals(params, init.stream().mapToLong(INDArray::length).sum(), "DL4J's parameter count equals the model's");
        TestModels.Data data = TestModels.data(resnet, 4, 2, 1, DataType.FLOAT);
        for (int m : new int[] {2, 4, 8}) {
            Partition p = BalancedPartitioner.partition(resnet.estimatedCosts(), m);
            int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(p);
            try (Nd4jPipeline pipeline = Nd4jPipeline.build(resnet, p, init, delays, WeightSettings.ema(EmaRule.PIPELINE_AWARE),
                    new SgdSettings(0.9, 5e-4), DataType.FLOAT)) {
                INDArray before = pipeline.parameters();
                RunResult r = ConcurrentExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, m, 4, 1), pipeline.stages(), data,
                        LearningRate.constant(0.01));
                for (double loss : r.losses()) {
                    assertTrue(Double.isFinite(loss) && loss > 0, "M=" + m + " loss " + loss);
                }
                assertTrue(TestModels.maxAbsDiff(before, pipeline.parameters()) > 0, "weights moved at M=" + m);
                assertEquals(m, pipeline.stages().size());
            }
        }
    }
}
