package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.train.ModelImportException;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.core.train.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** What cannot be pipelined is refused with one sentence naming the file or the layer. */
class Dl4jImportErrorsTest {

    private static final Shape.Image IMAGE = new Shape.Image(1, 8, 8);

    @TempDir
    Path dir;

    @Test
    void unsupportedLayersAndSettingsNameTheLayer() throws IOException {
        assertEquals("DL4J layer 1 (LSTM) is not supported: use dense, convolution, subsampling, batch norm, activation,"
                + " output or loss layers", flatError(b -> b.list().layer(dense(8)).layer(new LSTM.Builder().nOut(4).build())
                        .layer(output(4))));
        assertEquals("DL4J layer 0 (DenseLayer) has dropout, which is not supported: remove it", flatError(b -> b.dropOut(0.5).list().layer(dense(8)).layer(output(4))));
        assertEquals("DL4J layer 0 (DenseLayer) has l2 regularisation, which is not supported: remove it from the configuration"
                + " (the trial's weight_decay setting applies weight decay)", flatError(b -> b.l2(1e-4).list().layer(dense(8)).layer(output(4))));
        assertEquals("DL4J layer 0 (DenseLayer) has l1 regularisation, which is not supported: remove it from the configuration"
                + " (the trial's weight_decay setting applies weight decay)", flatError(b -> b.l1(1e-4).list().layer(dense(8)).layer(output(4))));
        assertEquals("DL4J layer 1 (OutputLayer) has activation identity and loss MSE: only softmax with MCXENT or"
                + " NEGATIVELOGLIKELIHOOD is supported", flatError(b -> b.list().layer(dense(8))
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4).activation(Activation.IDENTITY).build())));
        assertEquals("DL4J layer 0 (DenseLayer) has activation leakyrelu(a=0.01), which is not supported: use identity, relu, tanh"
                + " or sigmoid (softmax only in the output or loss layer)", flatError(b -> b.list()
                        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.LEAKYRELU).build()).layer(output(4))));
        assertEquals("the last DL4J layer (0, DenseLayer) is not an output or loss layer: end the network with an OutputLayer or"
                + " LossLayer (softmax with MCXENT)", flatError(b -> b.list().layer(dense(4))));
        assertEquals("DL4J layer 0 (DenseLayer) has no bias: dense layers need one", flatError(b -> b.list()
                .layer(new DenseLayer.Builder().nOut(8).hasBias(false).activation(Activation.RELU).build()).layer(output(4))));
    }

    @Test
    void convolutionSettingsOutsideTheBlocksAreRefused() throws IOException {
        assertEquals("DL4J layer 0 (ConvolutionLayer) has a 3x2 kernel: only square kernels are supported",
                imageError(new ConvolutionLayer.Builder(3, 2).nOut(4).build()));
        assertEquals("DL4J layer 0 (ConvolutionLayer) has dilation 2x2: only dilation 1 is supported",
                imageError(new ConvolutionLayer.Builder(3, 3).dilation(2, 2).nOut(4).build()));
        assertEquals("DL4J layer 0 (ConvolutionLayer) has a 2x1 stride: only square strides are supported",
                imageError(new ConvolutionLayer.Builder(3, 3).stride(2, 1).nOut(4).build()));
        assertEquals("DL4J layer 0 (ConvolutionLayer) in Same mode pads [1x8x8] by 1 in height and 1 in width, not the same on"
                + " every side: use ConvolutionMode.Truncate with explicit padding",
                imageError(new ConvolutionLayer.Builder(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(4).build()));
        Path strict = write("strict.json", configuration(b -> b.list().layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Strict).nOut(4).build()).layer(output(4)), InputType.convolutional(9, 9, 1)));
        assertEquals("DL4J layer 0 (ConvolutionLayer) is in Strict mode but its kernel and stride do not fit [1x8x8] exactly",
                error(strict, IMAGE, 4));
        assertEquals("DL4J layer 0 (SubsamplingLayer) has pooling type PNORM: use MAX or AVG",
                imageError(new SubsamplingLayer.Builder(PoolingType.PNORM).kernelSize(2, 2).stride(2, 2).pnorm(2).build()));
        assertEquals("DL4J layer 0 (SubsamplingLayer) pads its input by 1: only unpadded pooling is supported",
                imageError(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).padding(1, 1).build()));
        assertEquals("DL4J layer 0 (BatchNormalization) has eps 0.001: only DL4J's defaults are supported (eps 1.0E-5, decay 0.9,"
                + " lockGammaBeta false, useLogStd true, NCHW)", imageError(new BatchNormalization.Builder().eps(1e-3).build()));
    }

    @Test
    void theNetworkMustFitTheDataSet() throws IOException {
        Path json = write("mlp.json", configuration(b -> b.list().layer(dense(8)).layer(output(4)), InputType.feedForward(100)));
        assertEquals("the DL4J network does not fit the data set's examples [1x8x8]: DL4J layer 0 (DenseLayer) takes 100 inputs"
                + " but gets 64", error(json, IMAGE, 4));
        assertEquals("DL4J layer 1 (OutputLayer) has 4 outputs but the data set has 10 classes",
                error(write("ok.json", configuration(b -> b.list().layer(dense(8)).layer(output(4)), InputType.feedForward(64))),
                        IMAGE, 10));
        Path cnn = write("cnn.json", configuration(b -> b.list().layer(new ConvolutionLayer.Builder(3, 3).nOut(4).build())
                .layer(output(4)), InputType.convolutional(8, 8, 3)));
        assertEquals("the DL4J network does not fit the data set's examples [1x8x8]: DL4J layer 0 (ConvolutionLayer) takes 3 input channels"
                + " but gets [1x8x8]", error(cnn, IMAGE, 4));
        Path bigger = write("bigger.json", configuration(b -> b.list().layer(new ConvolutionLayer.Builder(3, 3).nOut(4).build())
                .layer(output(4)), InputType.convolutional(10, 10, 1)));
        assertEquals("the DL4J network does not fit the data set's examples [1x8x8]: DL4J layer 1 (OutputLayer) takes [4x8x8] images"
                + " but gets [4x6x6]", error(bigger, IMAGE, 4));
    }

    @Test
    void badFilesAreOneSentenceWithThePath() throws IOException {
        Path garbage = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertEquals("model file " + garbage + " is neither a DL4J MultiLayerConfiguration JSON (conf.toJson()) nor a"
                + " ModelSerializer zip", error(garbage, IMAGE, 4));
        Path otherJson = Files.writeString(dir.resolve("other.json"), "{\"name\": \"not a network\"}");
        assertEquals("model file " + otherJson + " is neither a DL4J MultiLayerConfiguration JSON (conf.toJson()) nor a"
                + " ModelSerializer zip", error(otherJson, IMAGE, 4));
        Path graph = Files.writeString(dir.resolve("graph.json"), new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").addLayer("d", dense(4), "in").addVertex("m", new MergeVertex(), "d", "in")
                .addLayer("out", output(4), "m").setOutputs("out").setInputTypes(InputType.feedForward(4)).build().toJson());
        assertEquals("model file " + graph + " holds a ComputationGraph: only a MultiLayerNetwork (a sequence of layers) can be"
                + " pipelined", error(graph, IMAGE, 4));
        Path zip = dir.resolve("empty.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write("nothing".getBytes());
        }
        assertEquals("model file " + zip + " is a zip without configuration.json: save the network with ModelSerializer.writeModel",
                error(zip, IMAGE, 4));
    }

    @Test
    void aFileChangedAfterConfigurationIsRefused() throws IOException {
        Path json = write("net.json", configuration(b -> b.list().layer(dense(8)).layer(output(4)), InputType.feedForward(64)));
        ModelConfig config = new ModelConfig("dl4j:" + json, List.of());
        String digest = config.digest();
        Files.writeString(json, Files.readString(json) + "\n");
        assertEquals("model file " + json + " changed since the trial was configured: its SHA-256 is "
                + new ModelConfig("dl4j:" + json, List.of()).digest() + ", not " + digest,
                assertThrows(ModelImportException.class, () -> config.build(IMAGE, 4)).getMessage());
    }

    @Test
    void aTrainerReportsTheSentenceAsTheTrialsFailure() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(b -> b.list().layer(dense(8))
                .layer(new LSTM.Builder().nOut(4).build()).layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder()
                        .nOut(10).activation(Activation.SOFTMAX).build()), InputType.feedForward(768)));
        net.init();
        File zip = dir.resolve("rnn.zip").toFile();
        ModelSerializer.writeModel(net, zip, false);
        TrialConfig trial = TrialConfig.fromParams(java.util.Map.of("model", "dl4j:" + zip, "data", "synthetic",
                "data.train_limit", "64", "data.test_limit", "64", "partition", "[1,1,1]"));
        TrialResult result = Nd4jBackend.trainer().train(trial, TrainingListener.NONE);
        assertEquals(TrialStatus.FAILED, result.status());
        assertEquals("DL4J layer 1 (LSTM) is not supported: use dense, convolution, subsampling, batch norm, activation, output or"
                + " loss layers", result.message());
    }

    private String flatError(Layers layers) throws IOException {
        Path json = write("flat.json", configuration(layers, InputType.feedForward(12)));
        return error(json, new Shape.Flat(12), 4);
    }

    private String imageError(Layer first) throws IOException {
        Path json = write("image.json", configuration(b -> b.list().layer(first).layer(output(4)), InputType.convolutional(8, 8, 1)));
        return error(json, IMAGE, 4);
    }

    private static String error(Path file, Shape input, int classes) {
        ModelConfig config = new ModelConfig("dl4j:" + file, List.of());
        return assertThrows(ModelImportException.class, () -> config.build(input, classes)).getMessage();
    }

    private Path write(String name, MultiLayerConfiguration conf) throws IOException {
        return Files.writeString(dir.resolve(name), conf.toJson());
    }

    private static MultiLayerConfiguration configuration(Layers layers, InputType input) {
        return layers.apply(new NeuralNetConfiguration.Builder()).setInputType(input).build();
    }

    @FunctionalInterface
    private interface Layers {
        NeuralNetConfiguration.ListBuilder apply(NeuralNetConfiguration.Builder builder);
    }

    private static DenseLayer dense(int units) {
        return new DenseLayer.Builder().nOut(units).activation(Activation.RELU).build();
    }

    private static OutputLayer output(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX).build();
    }
}
