package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.train.TrainingBackend;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.StageSpec;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Pipelining your own Deeplearning4j network: a network trained 20 steps with DL4J's
 * {@code fit}, saved with {@code ModelSerializer}, imported and trained 20 more steps by our
 * engine (sequential schedule) equals the same network trained 40 steps by DL4J, to 1e-8 in
 * double precision, on one stage and on two. And a trial on the ND4J backend starts from the
 * zip's weights.
 */
class Dl4jImportRoundTripTest {

    private static final int STEPS = 20;
    private static final int BATCH = 8;
    /** The network's Sgd rate and our trainer's rate: the trial's {@code lr}, given to both. */
    private static final double LR = 0.1;
    private static final double TOLERANCE = 1e-8;

    @TempDir
    Path dir;

    /** dense(relu) - dense(tanh) - output(softmax, MCXENT) on 12 features, 4 classes. */
    static MultiLayerConfiguration mlp() {
        return base().list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(12))
                .build();
    }

    /**
     * conv3x3 (Same mode, no bias) - batch norm - relu - maxpool - conv3x3 (Truncate, padding 1, bias, tanh) -
     * avgpool - dense(relu) - output(softmax, negative log-likelihood) on 1×8×8, 3 classes.
     */
    static MultiLayerConfiguration cnn() {
        return base().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).padding(1, 1).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE).updater(new Sgd(LR))
                .weightInit(WeightInit.XAVIER);
    }

    static Stream<Arguments> cases() {
        Shape flat = new Shape.Flat(12);
        Shape image = new Shape.Image(1, 8, 8);
        return Stream.of(
                Arguments.of("mlp", mlp(), flat, 4, 1),
                Arguments.of("mlp", mlp(), flat, 4, 2),
                Arguments.of("cnn", cnn(), image, 3, 1),
                Arguments.of("cnn", cnn(), image, 3, 2));
    }

    @ParameterizedTest(name = "{0} M={4}")
    @MethodSource("cases")
    void importedNetworkContinuesTrainingExactlyAsDeeplearning4j(String name, MultiLayerConfiguration conf, Shape input,
                                                                 int classes, int stages) throws IOException {
        TestModels.Data data = data(input, classes, 2 * STEPS, 7);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int j = 0; j < STEPS; j++) {
            net.fit(data.input(j), data.labels(j));
        }
        File zip = dir.resolve(name + ".zip").toFile();
        ModelSerializer.writeModel(net, zip, false);

        ModelConfig config = new ModelConfig("dl4j:" + zip, List.of());
        ModelSpec model = config.build(input, classes);
        List<INDArray> initial = Dl4jImporter.initialParameters(config, model, DataType.DOUBLE, 1);
        assertEquals(0.0, TestModels.maxAbsDiff(net.params(), concat(initial)), "the zip's trained weights are the initial weights");

        for (int j = STEPS; j < 2 * STEPS; j++) {
            net.fit(data.input(j), data.labels(j));
        }
        assertTrue(TestModels.maxAbsDiff(net.params(), concat(initial)) > 1e-3, "the last 20 steps move the weights");
        int first = model.numBlocks() / 2;
        Partition partition = stages == 1 ? Partition.of(model.numBlocks()) : Partition.of(first, model.numBlocks() - first);
        TestModels.Data rest = new TestModels.Data(data.inputs().subList(STEPS, 2 * STEPS), data.labels().subList(STEPS, 2 * STEPS));
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, initial, new int[stages], WeightSettings.stash(),
                SgdSettings.PLAIN, DataType.DOUBLE)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.SEQUENTIAL, stages, STEPS, 1), pipeline.stages(), rest,
                    LearningRate.constant(LR));
            double diff = TestModels.maxAbsDiff(net.params(), pipeline.parameters());
            assertTrue(diff <= TOLERANCE, name + " " + partition + ": max |W_pipeline − W_dl4j| = " + diff);
        }
    }

    @Test
    void theBackendStartsATrialFromTheZipsWeights() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp());
        net.init();
        File zip = dir.resolve("mlp.zip").toFile();
        ModelSerializer.writeModel(net, zip, false);
        TrialConfig trial = TrialConfig.fromParams(Map.of("model", "dl4j:" + zip, "precision", "double", "partition", "[2,2]"));
        ModelSpec model = trial.model().build(new Shape.Flat(12), 4);
        try (TrainingBackend.Run<?> run = new Nd4jBackend().open(model, Partition.of(2, 2), new int[] {2, 0}, StageSpec.of(trial))) {
            INDArray started = Nd4j.concat(0, run.stages().stream().map(st -> ((Nd4jStage) st).parameters().dup())
                    .toArray(INDArray[]::new));
            assertEquals(0.0, TestModels.maxAbsDiff(net.params(), started));
        }
    }

    @Test
    void aTrialTrainsAnImportedNetwork() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(768))
                .build());
        net.init();
        File zip = dir.resolve("synthetic-mlp.zip").toFile();
        ModelSerializer.writeModel(net, zip, false);
        TrialResult r = Nd4jBackend.trainer().train(TrialConfig.fromParams(Map.of("model", "dl4j:" + zip, "data", "synthetic",
                "data.train_limit", "512", "data.test_limit", "256", "batch_size", "32", "epochs", "2", "partition", "[2,2]")),
                TrainingListener.NONE);
        assertEquals(TrialStatus.FINISHED, r.status(), r.message());
        assertTrue(r.last().testAccuracy() > 0.5, "synthetic classes are easy: " + r.last().testAccuracy());
    }

    private static INDArray concat(List<INDArray> params) {
        return Nd4j.concat(0, params.stream().filter(p -> p.length() > 0).toArray(INDArray[]::new));
    }

    /** Seeded standard-normal inputs and one-hot labels, one minibatch per unit. */
    private static TestModels.Data data(Shape input, int classes, int units, long seed) {
        Random random = new Random(seed);
        long[] shape = input instanceof Shape.Image img
                ? new long[] {BATCH, img.channels(), img.height(), img.width()}
                : new long[] {BATCH, input.size()};
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            INDArray x = Nd4j.zeros(DataType.DOUBLE, shape);
            INDArray flat = x.reshape(x.length());
            for (long i = 0; i < x.length(); i++) {
                flat.putScalar(i, random.nextGaussian());
            }
            INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, classes);
            for (int b = 0; b < BATCH; b++) {
                y.putScalar(b, random.nextInt(classes), 1.0);
            }
            inputs.add(x);
            labels.add(y);
        }
        return new TestModels.Data(inputs, labels);
    }
}
