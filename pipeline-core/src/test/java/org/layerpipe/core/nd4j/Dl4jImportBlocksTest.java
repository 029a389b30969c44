package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.train.TrialConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A DL4J configuration JSON imports to the blocks it describes, with weights drawn as our models draw them. */
class Dl4jImportBlocksTest {

    private static final Shape.Image MNIST = new Shape.Image(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void cnnConfigurationBecomesBlocks() throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).convolutionMode(ConvolutionMode.Same).hasBias(false)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).stride(2, 2).padding(1, 1)
                        .activation(org.nd4j.linalg.activations.Activation.SIGMOID).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(7, 7).stride(7, 7).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
        ModelSpec model = importJson(conf, "cnn.json", MNIST, 10);
        assertEquals(List.of(
                new Block.Conv2d(8, 5, 1, 2, false, Activation.IDENTITY),
                new Block.BatchNorm(),
                new Block.Act(Activation.RELU),
                new Block.Pool(Block.Pool.PoolType.MAX, 2, 2),
                new Block.Conv2d(16, 3, 2, 1, true, Activation.SIGMOID),
                new Block.Pool(Block.Pool.PoolType.AVG, 7, 7),
                new Block.Flatten(),
                new Block.Dense(32, Activation.TANH),
                new Block.Dense(10, Activation.IDENTITY),
                new Block.SoftmaxLoss()), model.blocks());
        assertEquals("dl4j:cnn.json", model.name());
        assertEquals(MNIST, model.input());
    }

    @Test
    void flatNetworkOnImagesStartsWithFlattenAndLossLayerBecomesSoftmaxLoss() throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nOut(64).activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784))
                .build();
        ModelSpec model = importJson(conf, "mlp.json", MNIST, 10);
        assertEquals(List.of(new Block.Flatten(), new Block.Dense(64, Activation.RELU), new Block.Dense(10, Activation.IDENTITY),
                new Block.SoftmaxLoss()), model.blocks());
    }

    @Test
    void aConfigurationsWeightsAreDrawnAsOurModelsDrawThem() throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nOut(16).activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(12))
                .build();
        Path json = dir.resolve("net.json");
        Files.writeString(json, conf.toJson());
        ModelConfig config = new ModelConfig("dl4j:" + json, List.of());
        ModelSpec model = config.build(new Shape.Flat(12), 4);
        List<INDArray> drawn = Dl4jImporter.initialParameters(config, model, DataType.DOUBLE, 3);
        List<INDArray> ours = Nd4jLayers.initialParameters(model, DataType.DOUBLE, 3);
        assertEquals(ours.size(), drawn.size());
        for (int b = 0; b < ours.size(); b++) {
            assertEquals(ours.get(b), drawn.get(b), "block " + b);
        }
    }

    @Test
    void theTrialSettingNamesTheFile() throws IOException {
        Path json = dir.resolve("net.json");
        MultiLayerConfiguration small = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(768))
                .build();
        Files.writeString(json, small.toJson());
        TrialConfig trial = TrialConfig.fromParams(Map.of("model", "dl4j:" + json, "data", "synthetic"));
        assertEquals("dl4j:" + json, trial.toParams().get("model"));
        assertEquals(trial, TrialConfig.fromParams(trial.toParams()));
        assertEquals(List.of(new Block.Flatten(), new Block.Dense(10, Activation.IDENTITY), new Block.SoftmaxLoss()),
                trial.model().build(new Shape.Image(3, 16, 16), 10).blocks());

    }

    private ModelSpec importJson(MultiLayerConfiguration conf, String name, Shape input, int classes) throws IOException {
        Path json = dir.resolve(name);
        Files.writeString(json, conf.toJson());
        return new ModelConfig("dl4j:" + json, List.of()).build(input, classes);
    }
}
