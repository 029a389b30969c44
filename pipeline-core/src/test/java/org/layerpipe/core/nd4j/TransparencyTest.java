package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transparency (DESIGN §2 invariants): pipelined training that introduces no staleness must
 * equal a plain Deeplearning4j {@code MultiLayerNetwork} trained on the same data from the
 * same initial weights with the same SGD, to 1e-8 in double precision.
 */
class TransparencyTest {

    private static final int STEPS = 20;
    private static final int BATCH = 8;
    private static final double LR = 0.1;
    private static final double TOLERANCE = 1e-8;

    static Stream<Arguments> sequentialCases() {
        return Stream.of(
                Arguments.of(TestModels.mlp(), Partition.of(4)),
                Arguments.of(TestModels.mlp(), Partition.of(1, 3)),
                Arguments.of(TestModels.mlp(), Partition.of(2, 2)),
                Arguments.of(TestModels.mlp(), Partition.of(1, 1, 1, 1)),
                Arguments.of(TestModels.cnn(), Partition.of(8)),
                Arguments.of(TestModels.cnn(), Partition.of(2, 6)),
                Arguments.of(TestModels.cnn(), Partition.of(5, 3)),
                Arguments.of(TestModels.cnn(), Partition.of(4, 1, 3)),
                Arguments.of(TestModels.cnn(), Partition.of(1, 1, 1, 1, 1, 1, 1, 1)));
    }

    @ParameterizedTest(name = "{0} {1} sequential")
    @MethodSource("sequentialCases")
    void sequentialScheduleEqualsPlainDeeplearning4j(ModelSpec model, Partition partition) {
        assertTransparent(model, partition, ScheduleKind.SEQUENTIAL, WeightSettings.stash());
    }

    static Stream<Arguments> singleStageCases() {
        List<WeightSettings> modes = List.of(WeightSettings.latest(), WeightSettings.stash(),
                WeightSettings.ema(EmaRule.PIPELINE_AWARE), WeightSettings.emaFixed(0.9),
                WeightSettings.ema(EmaRule.WEIGHT_AVERAGE), WeightSettings.ema(EmaRule.PIPELINE_AWARE).withShadow(true));
        return Stream.of(ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B).flatMap(kind -> modes.stream()
                .flatMap(w -> Stream.of(Arguments.of(TestModels.mlp(), kind, w), Arguments.of(TestModels.cnn(), kind, w))));
    }

    @ParameterizedTest(name = "{0} M=1 {1} {2}")
    @MethodSource("singleStageCases")
    void oneStageEqualsPlainDeeplearning4jInEveryWeightMode(ModelSpec model, ScheduleKind kind, WeightSettings weights) {
        assertTransparent(model, Partition.of(model.numBlocks()), kind, weights);
    }

    static Stream<Arguments> floatCases() {
        return Stream.of(
                Arguments.of(TestModels.mlp(), Partition.of(4)),
                Arguments.of(TestModels.mlp(), Partition.of(1, 1, 1, 1)),
                Arguments.of(TestModels.cnn(), Partition.of(8)),
                Arguments.of(TestModels.cnn(), Partition.of(2, 3, 3)));
    }

    /** In float the native kernels (oneDNN's on the default build) and DL4J's round differently: 1e-4 relative to the largest weight. */
    @ParameterizedTest(name = "{0} {1} sequential, float")
    @MethodSource("floatCases")
    void floatTrainingStaysWithinRoundingOfPlainDeeplearning4j(ModelSpec model, Partition partition) {
        DataType dtype = DataType.FLOAT;
        List<INDArray> init = Nd4jLayers.initialParameters(model, dtype, 42);
        TestModels.Data data = TestModels.data(model, STEPS, BATCH, 7, dtype);
        MultiLayerNetwork reference = trainedReference(model, dtype, init, data);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, init, new int[partition.numStages()],
                WeightSettings.stash(), SgdSettings.PLAIN, dtype)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.SEQUENTIAL, partition.numStages(), STEPS, 1), pipeline.stages(),
                    data, LearningRate.constant(LR));
            double scale = reference.params().amaxNumber().doubleValue();
            double relative = TestModels.maxAbsDiff(reference.params(), pipeline.parameters()) / scale;
            assertTrue(relative <= 1e-4, model.name() + " " + partition + " float: max |W_pipeline − W_dl4j| / max |W| = " + relative);
            assertTrue(TestModels.maxAbsDiff(reference.params(), flat(init)) / scale > 1e-3, "training must move the weights");
        }
    }

    /** A plain DL4J network from the same initial weights, trained {@link #STEPS} minibatches with SGD. */
    private static MultiLayerNetwork trainedReference(ModelSpec model, DataType dtype, List<INDArray> init, TestModels.Data data) {
        MultiLayerNetwork reference = Nd4jLayers.referenceNetwork(model, dtype, 42, LR);
        reference.setParams(flat(init));
        for (int j = 0; j < STEPS; j++) {
            reference.fit(data.input(j), data.labels(j));
        }
        return reference;
    }

    private static INDArray flat(List<INDArray> perBlock) {
        return Nd4j.concat(0, perBlock.stream().filter(p -> p.length() > 0).toArray(INDArray[]::new));
    }

    private static void assertTransparent(ModelSpec model, Partition partition, ScheduleKind kind, WeightSettings weights) {
        DataType dtype = DataType.DOUBLE;
        List<INDArray> init = Nd4jLayers.initialParameters(model, dtype, 42);
        TestModels.Data data = TestModels.data(model, STEPS, BATCH, 7, dtype);
        MultiLayerNetwork reference = trainedReference(model, dtype, init, data);

        int[] delays = kind.stageDelays(partition);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, init, delays, weights, SgdSettings.PLAIN, dtype)) {
            Schedule schedule = Schedule.generate(kind, partition.numStages(), STEPS, 1);
            RunResult result = ReferenceExecutor.run(schedule, pipeline.stages(), data, LearningRate.constant(LR));
            double diff = TestModels.maxAbsDiff(reference.params(), pipeline.parameters());
            assertTrue(diff <= TOLERANCE, model.name() + " " + partition + " " + kind + " " + weights.label()
                    + ": max |W_pipeline − W_dl4j| = " + diff);
            int[][] none = new int[partition.numStages()][STEPS];
            assertArrayEquals(none, result.staleness(), "no staleness expected");
        }
    }
}
