package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Turns block descriptions into Deeplearning4j layer configurations and small networks: the
 * plain reference network that transparency tests and the benchmark compare the native stages
 * with, and the initial weights (drawn by DL4J's own initialisers, in DL4J's parameter order,
 * which the native stages share).
 */
public final class Nd4jLayers {

    static {
        NativeRuntime.choose();
    }

    private Nd4jLayers() {
    }

    /** The Deeplearning4j layers of one non-residual block (none for flatten: DL4J reshapes between layer kinds itself). */
    static List<Layer> layers(Block block) {
        if (block instanceof Block.Dense d) {
            return List.of(new DenseLayer.Builder().nOut(d.units()).activation(activation(d.activation()))
                    .weightInit(d.activation() == Activation.RELU ? WeightInit.RELU : WeightInit.XAVIER).build());
        } else if (block instanceof Block.Conv2d c) {
            return List.of(conv(c));
        } else if (block instanceof Block.Pool p) {
            return List.of(new SubsamplingLayer.Builder(p.type() == Block.Pool.PoolType.MAX ? PoolingType.MAX : PoolingType.AVG)
                    .kernelSize(p.kernel(), p.kernel()).stride(p.stride(), p.stride())
                    .convolutionMode(ConvolutionMode.Truncate).build());
        } else if (block instanceof Block.BatchNorm) {
            return List.of(new BatchNormalization.Builder().build());
        } else if (block instanceof Block.Act a) {
            return List.of(new ActivationLayer.Builder().activation(activation(a.activation())).build());
        } else if (block instanceof Block.Flatten) {
            return List.of();
        } else if (block instanceof Block.SoftmaxLoss) {
            return List.of(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        }
        throw new IllegalArgumentException(block.name() + " is not a plain layer sequence");
    }

    static ConvolutionLayer conv(Block.Conv2d c) {
        return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).nOut(c.filters())
                .stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                .hasBias(c.bias()).activation(activation(c.activation())).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate).build();
    }

    static org.nd4j.linalg.activations.Activation activation(Activation a) {
        return switch (a) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
        };
    }

    static InputType inputType(Shape shape) {
        if (shape instanceof Shape.Image i) {
            return InputType.convolutional(i.height(), i.width(), i.channels());
        }
        return InputType.feedForward(shape.size());
    }

    /**
     * The configuration of a network of {@code layers} over input {@code in}. Workspaces are
     * off, so the reference keeps its arrays across calls the way a plain user network would.
     */
    static MultiLayerConfiguration configuration(List<Layer> layers, Shape in, DataType dtype, long seed, IUpdater updater) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(dtype).updater(updater)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list();
        for (Layer layer : layers) {
            list.layer(layer.clone());
        }
        return list.setInputType(inputType(in)).build();
    }

    /** An initialised network (DL4J's own random initialisation from {@code seed}). */
    static MultiLayerNetwork network(List<Layer> layers, Shape in, DataType dtype, long seed, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(layers, in, dtype, seed, updater));
        net.init();
        return net;
    }

    /** Layers of a residual block's main branch: conv-BN-ReLU-conv-BN. */
    static List<Layer> residualMain(Block.Residual r) {
        return List.of(conv(r.conv1()), new BatchNormalization.Builder().build(),
                new ActivationLayer.Builder().activation(org.nd4j.linalg.activations.Activation.RELU).build(),
                conv(r.conv2()), new BatchNormalization.Builder().build());
    }

    /** Layers of a residual block's projection shortcut: 1×1 conv-BN. */
    static List<Layer> residualProjection(Block.Residual r) {
        return List.of(conv(r.projection()), new BatchNormalization.Builder().build());
    }

    /**
     * Initial parameters of one block, drawn by Deeplearning4j's initialisers from a seed of
     * the block's own, so that every partition of a model starts from the same weights.
     */
    static INDArray initialParameters(Block block, Shape in, DataType dtype, long seed) {
        if (block instanceof Block.Residual r) {
            INDArray main = network(residualMain(r), in, dtype, seed, new Sgd(0)).params();
            if (!r.projects(in)) {
                return main.dup();
            }
            INDArray proj = network(residualProjection(r), in, dtype, seed + 7919, new Sgd(0)).params();
            return Nd4j.concat(0, main.reshape(main.length()), proj.reshape(proj.length()));
        }
        List<Layer> layers = layers(block);
        if (layers.isEmpty()) {
            return Nd4j.zeros(dtype, 0);
        }
        INDArray p = network(layers, in, dtype, seed, new Sgd(0)).params();
        return p.reshape(p.length()).dup();
    }

    /** Initial parameters of every block of {@code model}, flat per block; block i uses seed {@code seed·1000 + i + 1} (never 0). */
    public static List<INDArray> initialParameters(ModelSpec model, DataType dtype, long seed) {
        List<Shape> shapes = model.shapes();
        List<INDArray> params = new ArrayList<>();
        for (int i = 0; i < model.numBlocks(); i++) {
            params.add(initialParameters(model.block(i), shapes.get(i), dtype, seed * 1000 + i + 1));
        }
        return params;
    }

    /**
     * The whole model as one plain Deeplearning4j network (no residual blocks), trained with
     * {@code updater}: the reference pipelined training is compared against.
     */
    public static MultiLayerNetwork referenceNetwork(ModelSpec model, DataType dtype, long seed, IUpdater updater) {
        List<Layer> layers = new ArrayList<>();
        for (Block b : model.blocks()) {
            layers.addAll(layers(b));
        }
        return network(layers, model.input(), dtype, seed, updater);
    }

    /** {@link #referenceNetwork} with plain SGD at learning rate {@code lr}. */
    public static MultiLayerNetwork referenceNetwork(ModelSpec model, DataType dtype, long seed, double lr) {
        return referenceNetwork(model, dtype, seed, new Sgd(lr));
    }
}
