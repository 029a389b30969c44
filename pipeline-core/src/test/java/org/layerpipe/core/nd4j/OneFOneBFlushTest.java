package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ConcurrentExecutor;
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

/**
 * 1F1B-flush and ZB-H1 are synchronous: trained on the executors they must equal SEQUENTIAL
 * (microbatches that are copies of one minibatch give that minibatch's mean gradient) and GPipe
 * (the same microbatches, the same sum, another order), in double, with batch norm. ZB-H1 runs its
 * weight passes inside the backwards (the engine computes both gradients together), in its own order.
 */
class OneFOneBFlushTest {

    private static final int MINIBATCHES = 6;

    @Test
    void copiesOfOneMinibatchTrainLikeSequential() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(2, 3, 3);
        int m = 4;
        TestModels.Data data = TestModels.data(model, MINIBATCHES, 6, 8, DataType.DOUBLE);
        TestModels.Data copies = TestModels.microbatchCopies(data, MINIBATCHES, m);
        INDArray sequential = train(model, partition, ScheduleKind.SEQUENTIAL, 1, data, false);
        for (ScheduleKind kind : new ScheduleKind[] {ScheduleKind.ONE_F_ONE_B_FLUSH, ScheduleKind.ZB_H1}) {
            for (boolean concurrent : new boolean[] {false, true}) {
                INDArray flush = train(model, partition, kind, m, copies, concurrent);
                double diff = TestModels.maxAbsDiff(sequential, flush);
                assertTrue(diff <= 1e-8, kind + (concurrent ? " concurrent" : " reference") + ": max |W − W_sequential| = " + diff);
            }
        }
    }

    @Test
    void distinctMicrobatchesTrainLikeGPipe() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 5);
        int m = 3;
        TestModels.Data data = TestModels.data(model, MINIBATCHES * m, 4, 21, DataType.DOUBLE);
        INDArray gpipe = train(model, partition, ScheduleKind.GPIPE, m, data, false);
        for (ScheduleKind kind : new ScheduleKind[] {ScheduleKind.ONE_F_ONE_B_FLUSH, ScheduleKind.ZB_H1}) {
            INDArray flush = train(model, partition, kind, m, data, true);
            double diff = TestModels.maxAbsDiff(gpipe, flush);
            assertTrue(diff <= 1e-8, kind + ": max |W − W_gpipe| = " + diff);
        }
    }

    private static INDArray train(ModelSpec model, Partition p, ScheduleKind kind, int micro, TestModels.Data data, boolean concurrent) {
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 3),
                new int[p.numStages()], WeightSettings.latest(), new SgdSettings(0.9, 1e-3), DataType.DOUBLE)) {
            Schedule schedule = Schedule.generate(kind, p.numStages(), MINIBATCHES * micro, micro);
            if (concurrent) {
                ConcurrentExecutor.run(schedule, pipeline.stages(), data, LearningRate.constant(0.05));
            } else {
                ReferenceExecutor.run(schedule, pipeline.stages(), data, LearningRate.constant(0.05));
            }
            return pipeline.parameters();
        }
    }
}
