package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Buffers are recycled: a given-back buffer is handed out again, foreign arrays are ignored, and a warm pipeline's buffer count stops growing. */
class BufferPoolTest {

    @Test
    void givenBackBuffersAreReusedAndForeignOnesIgnored() {
        BufferPool pool = BufferPool.recycling();
        INDArray a = pool.take(DataType.FLOAT, new long[] {2, 3});
        pool.release(a);
        pool.release(a); // a second release must not hand the buffer out twice
        pool.release(Nd4j.zeros(DataType.FLOAT, 2, 3));
        assertSame(a, pool.take(DataType.FLOAT, new long[] {2, 3}));
        assertNotSame(a, pool.take(DataType.FLOAT, new long[] {2, 3}));
        assertEquals(2, pool.size());
        INDArray other = pool.take(DataType.FLOAT, new long[] {4, 3});
        assertArrayEquals(new long[] {4, 3}, other.shape());
    }

    @Test
    void aPoolNobodyGivesBackToKeepsNothing() {
        BufferPool pool = new BufferPool();
        pool.take(DataType.FLOAT, new long[] {2, 3});
        assertEquals(0, pool.size());
    }

    @Test
    void aWarmPipelineHoldsAFixedNumberOfBuffers() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 2, 3);
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(partition);
        TestModels.Data data = TestModels.data(model, 30, 4, 3, DataType.FLOAT);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, Nd4jLayers.initialParameters(model, DataType.FLOAT, 1),
                delays, WeightSettings.stash(), SgdSettings.PLAIN, DataType.FLOAT)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 10, 1), pipeline.stages(), data, LearningRate.constant(0.05));
            List<Integer> warm = pipeline.stages().stream().map(Nd4jStage::heldBuffers).toList();
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 30, 1), pipeline.stages(), data, LearningRate.constant(0.05));
            assertEquals(warm, pipeline.stages().stream().map(Nd4jStage::heldBuffers).toList(), "buffers per stage after a warm run");
        }
    }
}
