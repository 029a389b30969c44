package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.LearningRate;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.SgdSettings;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GPipe with m microbatches that are m copies of one minibatch must train exactly like
 * SEQUENTIAL on that minibatch — the mean gradient is the same, and batch-norm running statistics
 * must move once per update, not once per microbatch.
 */
class GPipeStatisticsTest {

    @Test
    void copiesOfOneMinibatchAsMicrobatchesTrainLikeTheMinibatch() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 5);
        int minibatches = 8;
        int m = 4;
        TestModels.Data data = TestModels.data(model, minibatches, 6, 8, DataType.DOUBLE);
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        for (int j = 0; j < minibatches; j++) {
            for (int k = 0; k < m; k++) {
                inputs.add(data.input(j));
                labels.add(data.labels(j));
            }
        }
        INDArray sequential = train(model, partition, ScheduleKind.SEQUENTIAL, minibatches, 1, data);
        INDArray gpipe = train(model, partition, ScheduleKind.GPIPE, minibatches, m, new TestModels.Data(inputs, labels));
        double diff = TestModels.maxAbsDiff(sequential, gpipe);
        assertTrue(diff <= 1e-10, "max |W_gpipe − W_sequential| = " + diff);
    }

    private static INDArray train(ModelSpec model, Partition p, ScheduleKind kind, int minibatches, int micro, TestModels.Data data) {
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 3),
                new int[p.numStages()], WeightSettings.stash(), new SgdSettings(0.9, 0), DataType.DOUBLE)) {
            ReferenceExecutor.run(Schedule.generate(kind, p.numStages(), minibatches * micro, micro), pipeline.stages(), data,
                    LearningRate.constant(0.05));
            return pipeline.parameters();
        }
    }
}
