package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * GPipe with m microbatches that are m copies of one minibatch must train exactly like
 * SEQUENTIAL on that minibatch — the mean gradient is the same, and batch-norm running statistics
 * must move once per update, not once per microbatch (summed deltas would move them m times as far).
 */
class GPipeStatisticsTest {

    @Test
    void copiesOfOneMinibatchAsMicrobatchesTrainLikeTheMinibatch() {
        ModelSpec model = TestModels.cnn();
        Partition partition = Partition.of(3, 5);
        int minibatches = 8;
        int m = 4;
        TestModels.Data data = TestModels.data(model, minibatches, 6, 8, DataType.DOUBLE);
        TestModels.Data copies = TestModels.microbatchCopies(data, minibatches, m);
        INDArray sequential = train(model, partition, ScheduleKind.SEQUENTIAL, minibatches, 1, data);
        INDArray gpipe = train(model, partition, ScheduleKind.GPIPE, minibatches, m, copies);
        double diff = TestModels.maxAbsDiff(sequential, gpipe);
        assertTrue(diff <= 1e-10, "max |W_gpipe − W_sequential| = " + diff);
    }

    /** Dense → batch norm → ReLU → dense → dense → loss on 12 features: 6 blocks, batch norm over 16 features. */
    private static ModelSpec mlpWithBatchNorm() {
        return new ModelSpec("mlp-bn", new Shape.Flat(12), List.of(
                new Block.Dense(16, Activation.IDENTITY),
                new Block.BatchNorm(),
                new Block.Act(Activation.RELU),
                new Block.Dense(8, Activation.RELU),
                new Block.Dense(4, Activation.IDENTITY),
                new Block.SoftmaxLoss()));
    }

    @ParameterizedTest(name = "m = {0}")
    @ValueSource(ints = {1, 4, 16})
    void batchNormRunningStatisticsMoveOncePerUpdateWhateverTheMicrobatches(int m) {
        ModelSpec model = mlpWithBatchNorm();
        Partition partition = Partition.of(2, 2, 2);
        int minibatches = 6;
        TestModels.Data data = TestModels.data(model, minibatches, 8, 11, DataType.DOUBLE);
        TestModels.Data copies = TestModels.microbatchCopies(data, minibatches, m);
        INDArray initial = Nd4j.concat(0, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 3).stream()
                .map(a -> a.reshape(a.length())).toArray(INDArray[]::new));
        INDArray sequential = train(model, partition, ScheduleKind.SEQUENTIAL, minibatches, 1, data);
        INDArray gpipe = train(model, partition, ScheduleKind.GPIPE, minibatches, m, copies);

        // The batch norm block's parameters are gamma, beta, running mean, running log10 std (16 each).
        long offset = model.parameterCounts()[0];
        INDArray runningSequential = sequential.reshape(sequential.length()).get(NDArrayIndex.interval(offset + 32, offset + 64));
        INDArray runningGpipe = gpipe.reshape(gpipe.length()).get(NDArrayIndex.interval(offset + 32, offset + 64));
        INDArray runningInitial = initial.get(NDArrayIndex.interval(offset + 32, offset + 64));
        double moved = TestModels.maxAbsDiff(runningSequential, runningInitial);
        assertTrue(moved > 1e-3, "the running statistics must move for the test to mean anything, moved " + moved);
        double diff = TestModels.maxAbsDiff(runningSequential, runningGpipe);
        assertTrue(diff <= 1e-8, "m = " + m + ": max |running_gpipe − running_sequential| = " + diff + " (moved " + moved + ")");
        double weights = TestModels.maxAbsDiff(sequential, gpipe);
        assertTrue(weights <= 1e-8, "m = " + m + ": max |W_gpipe − W_sequential| = " + weights);
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
