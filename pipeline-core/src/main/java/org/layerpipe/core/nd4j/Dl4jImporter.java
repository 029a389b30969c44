package org.layerpipe.core.nd4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.train.ModelFiles;
import org.layerpipe.core.train.ModelImportException;
import org.layerpipe.core.train.ModelImporter;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * Pipelines your own Deeplearning4j network ({@code model: dl4j:PATH}): reads a
 * {@code MultiLayerConfiguration} JSON ({@code conf.toJson()}) or a {@code ModelSerializer} zip
 * (configuration plus weights) and turns its layers into {@link Block}s.
 *
 * <ul>
 *   <li>{@code DenseLayer} → dense; {@code OutputLayer} (softmax, MCXENT or negative
 *       log-likelihood) → dense + softmax loss; {@code LossLayer} (the same) → softmax loss;
 *   <li>{@code ConvolutionLayer} (square kernel, stride and padding, no dilation; Truncate or Strict
 *       mode, or Same where its padding is symmetric and so equals explicit padding) → conv;
 *   <li>{@code SubsamplingLayer} (max or average, unpadded) → pool; {@code BatchNormalization} with
 *       DL4J's default settings → batch norm; {@code ActivationLayer} → activation;
 *   <li>{@code CnnToFeedForwardPreProcessor} → flatten; a network taking flat rows on an image data
 *       set gets a flatten first, as DL4J users flatten images themselves.
 * </ul>
 *
 * Activations: identity, ReLU, tanh, sigmoid. Anything else (other layers, dropout, l1/l2
 * regularisation, weight noise, constraints, gradient normalisation) is refused with one
 * sentence naming the layer. Training settings of the file (updater, learning rate) are not
 * used: the trial's {@code lr}, {@code momentum}, {@code weight_decay} and {@code lr_schedule}
 * train the network. A zip's weights are the initial weights; a JSON configuration's are drawn
 * as our models draw theirs ({@link Nd4jLayers#initialParameters(ModelSpec, DataType, long)}),
 * so the parameter layout of every block is DL4J's own.
 */
public final class Dl4jImporter implements ModelImporter {

    private static final String ZIP_CONFIGURATION = "configuration.json";
    private static final String SUPPORTED = "use dense, convolution, subsampling, batch norm, activation, output or loss layers";
    private static final Set<Class<?>> LAYERS = Set.of(DenseLayer.class, OutputLayer.class, LossLayer.class, ConvolutionLayer.class,
            SubsamplingLayer.class, BatchNormalization.class, ActivationLayer.class);

    /** For {@link java.util.ServiceLoader}. */
    public Dl4jImporter() {
    }

    @Override
    public String prefix() {
        return "dl4j";
    }

    @Override
    public ModelSpec build(ModelConfig model, Shape input, int classes) {
        return convert(NetworkFile.read(model), input, classes).spec();
    }

    /**
     * Initial parameters of every block of {@code spec}, flat per block in DL4J's layout: an
     * imported zip's trained weights, or for a configuration JSON and the models we ship those
     * that {@link Nd4jLayers#initialParameters(ModelSpec, DataType, long)} draws from {@code seed}.
     */
    public static List<INDArray> initialParameters(ModelConfig model, ModelSpec spec, DataType dtype, long seed) {
        if (!model.imported()) {
            return Nd4jLayers.initialParameters(spec, dtype, seed);
        }
        NetworkFile file = NetworkFile.read(model);
        if (!file.zip()) {
            return Nd4jLayers.initialParameters(spec, dtype, seed);
        }
        Conversion c = convert(file, spec.input(), spec.numClasses());
        if (!c.spec().blocks().equals(spec.blocks())) {
            throw new IllegalStateException("model " + spec.name() + " is not the network in " + file.path() + ": "
                    + spec.blockNames() + " vs " + c.spec().blockNames());
        }
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(file.bytes()), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelImportException("model file " + file.path() + " has no readable weights: " + e.getMessage(), e);
        }
        long[] counts = spec.parameterCounts();
        List<INDArray> params = new ArrayList<>();
        for (int b = 0; b < spec.numBlocks(); b++) {
            int layer = c.sources().get(b);
            if (layer < 0) {
                params.add(Nd4j.zeros(dtype, 0));
                continue;
            }
            INDArray p = net.getLayer(layer).params();
            if (p == null || p.length() != counts[b]) {
                throw new ModelImportException("model file " + file.path() + ": DL4J layer " + layer + " holds "
                        + (p == null ? 0 : p.length()) + " weights but block " + spec.block(b).name() + " needs " + counts[b]);
            }
            params.add(p.reshape(p.length()).castTo(dtype).dup());
        }
        return params;
    }

    /** The blocks, and for each block the DL4J layer whose parameters it holds (-1: none). */
    record Conversion(ModelSpec spec, List<Integer> sources) {
    }

    static Conversion convert(NetworkFile file, Shape input, int classes) {
        return new Converter(file, input, classes).run();
    }

    /** A network file, read once: its bytes (checked against the config's digest), kind and configuration. */
    record NetworkFile(String path, byte[] bytes, boolean zip, MultiLayerConfiguration conf) {

        static NetworkFile read(ModelConfig model) {
            String path = model.file();
            byte[] bytes = ModelFiles.read(path);
            if (!ModelFiles.sha256(bytes).equals(model.digest())) {
                throw new ModelImportException("model file " + path + " changed since the trial was configured: its SHA-256 is "
                        + ModelFiles.sha256(bytes) + ", not " + model.digest());
            }
            boolean zip = bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
            String json = zip ? zipConfiguration(path, bytes) : new String(bytes, StandardCharsets.UTF_8);
            return new NetworkFile(path, bytes, zip, parse(path, json));
        }

        private static String zipConfiguration(String path, byte[] bytes) {
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().equals(ZIP_CONFIGURATION)) {
                        return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            } catch (IOException e) {
                throw new ModelImportException("model file " + path + " is not a readable zip: " + e.getMessage(), e);
            }
            throw new ModelImportException("model file " + path + " is a zip without " + ZIP_CONFIGURATION
                    + ": save the network with ModelSerializer.writeModel");
        }

        private static MultiLayerConfiguration parse(String path, String json) {
            String text = json.strip();
            if (!text.startsWith("{")) {
                throw notDl4j(path, null);
            }
            if (text.contains("\"vertices\"") && text.contains("\"networkInputs\"")) {
                throw new ModelImportException("model file " + path + " holds a ComputationGraph: only a MultiLayerNetwork"
                        + " (a sequence of layers) can be pipelined");
            }
            MultiLayerConfiguration conf;
            try {
                conf = MultiLayerConfiguration.fromJson(text);
            } catch (RuntimeException e) {
                throw notDl4j(path, e);
            }
            if (conf.getConfs() == null || conf.getConfs().isEmpty()) {
                throw new ModelImportException("model file " + path + " holds a DL4J configuration without layers");
            }
            return conf;
        }

        private static ModelImportException notDl4j(String path, RuntimeException cause) {
            return new ModelImportException("model file " + path + " is neither a DL4J MultiLayerConfiguration JSON"
                    + " (conf.toJson()) nor a ModelSerializer zip", cause);
        }
    }

    /** Walks the layers once, tracking the shape each one receives. */
    private static final class Converter {
        private final NetworkFile file;
        private final Shape input;
        private final int classes;
        private final List<Block> blocks = new ArrayList<>();
        private final List<Integer> sources = new ArrayList<>();
        private Shape shape;

        Converter(NetworkFile file, Shape input, int classes) {
            this.file = file;
            this.input = input;
            this.classes = classes;
            this.shape = input;
        }

        Conversion run() {
            MultiLayerConfiguration conf = file.conf();
            int n = conf.getConfs().size();
            for (int i = 0; i < n; i++) {
                Layer layer = conf.getConf(i).getLayer();
                String what = "DL4J layer " + i + " (" + layer.getClass().getSimpleName() + ")";
                if (!LAYERS.contains(layer.getClass())) {
                    throw new ModelImportException(what + " is not supported: " + SUPPORTED);
                }
                boolean last = i == n - 1;
                boolean output = layer.getClass() == OutputLayer.class || layer.getClass() == LossLayer.class;
                if (output != last) {
                    throw new ModelImportException(last
                            ? "the last DL4J layer (" + i + ", " + layer.getClass().getSimpleName() + ") is not an output or loss layer:"
                                    + " end the network with an OutputLayer or LossLayer (softmax with MCXENT)"
                            : what + " is an output layer before the last layer: only the last layer may compute the loss");
                }
                checkTraining(layer, what);
                preprocess(conf.getInputPreProcess(i), i, layer, what);
                layer(layer, i, what);
            }
            return new Conversion(new ModelSpec(ModelConfig.DL4J + fileName(file.path()), input, blocks), List.copyOf(sources));
        }

        private void preprocess(InputPreProcessor pre, int i, Layer layer, String what) {
            boolean needsFlat = layer instanceof DenseLayer || layer instanceof OutputLayer || layer instanceof LossLayer;
            if (pre == null) {
                if (needsFlat && shape instanceof Shape.Image) {
                    if (i > 0) {
                        throw new ModelImportException(what + " gets images " + shape + " without a CnnToFeedForwardPreProcessor:"
                                + " build the configuration with setInputType(...)");
                    }
                    add(new Block.Flatten(), -1, what);
                }
                return;
            }
            if (pre instanceof CnnToFeedForwardPreProcessor p) {
                if (p.getFormat() != null && p.getFormat() != CNN2DFormat.NCHW) {
                    throw new ModelImportException(what + " reads " + p.getFormat() + " images: only NCHW is supported");
                }
                if (!(shape instanceof Shape.Image img)) {
                    throw new ModelImportException(what + " flattens images but gets " + shape);
                }
                if (p.getNumChannels() > 0 && (p.getNumChannels() != img.channels() || p.getInputHeight() != img.height()
                        || p.getInputWidth() != img.width())) {
                    throw mismatch(what + " takes " + new Shape.Image((int) p.getNumChannels(), (int) p.getInputHeight(),
                            (int) p.getInputWidth()) + " images but gets " + shape);
                }
                add(new Block.Flatten(), -1, what);
            } else if (pre instanceof FeedForwardToCnnPreProcessor p && i == 0) {
                // InputType.convolutionalFlat: DL4J reshapes flat rows to images; our image data sets are images already
                if (!(shape instanceof Shape.Image img) || p.getNumChannels() != img.channels() || p.getInputHeight() != img.height()
                        || p.getInputWidth() != img.width()) {
                    throw mismatch("the network takes " + p.getNumChannels() + "x" + p.getInputHeight() + "x" + p.getInputWidth() + " images");
                }
            } else {
                throw new ModelImportException(what + " has input preprocessor " + pre.getClass().getSimpleName()
                        + ", which is not supported: only CnnToFeedForwardPreProcessor (flatten)");
            }
        }

        private void layer(Layer layer, int i, String what) {
            Class<?> type = layer.getClass();
            if (type == DenseLayer.class) {
                DenseLayer d = (DenseLayer) layer;
                if (!d.hasBias()) {
                    throw new ModelImportException(what + " has no bias: dense layers need one");
                }
                if (d.hasLayerNorm()) {
                    throw new ModelImportException(what + " has layer normalization, which is not supported: remove it");
                }
                checkInputs(d, what);
                add(new Block.Dense(Math.toIntExact(d.getNOut()), activation(d.getActivationFn(), what)), i, what);
            } else if (type == OutputLayer.class) {
                OutputLayer o = (OutputLayer) layer;
                checkSoftmaxLoss(o.getActivationFn(), o.getLossFn(), what);
                if (!o.hasBias()) {
                    throw new ModelImportException(what + " has no bias: output layers need one");
                }
                checkInputs(o, what);
                checkClasses(o.getNOut(), what);
                add(new Block.Dense(Math.toIntExact(o.getNOut()), Activation.IDENTITY), i, what);
                add(new Block.SoftmaxLoss(), -1, what);
            } else if (type == LossLayer.class) {
                LossLayer l = (LossLayer) layer;
                checkSoftmaxLoss(l.getActivationFn(), l.getLossFn(), what);
                checkClasses(shape.size(), what);
                add(new Block.SoftmaxLoss(), -1, what);
            } else if (type == ConvolutionLayer.class) {
                add(conv((ConvolutionLayer) layer, what), i, what);
            } else if (type == SubsamplingLayer.class) {
                add(pool((SubsamplingLayer) layer, what), -1, what);
            } else if (type == BatchNormalization.class) {
                batchNorm((BatchNormalization) layer, what);
                add(new Block.BatchNorm(), i, what);
            } else {
                add(new Block.Act(activation(((ActivationLayer) layer).getActivationFn(), what)), -1, what);
            }
        }

        private Block.Conv2d conv(ConvolutionLayer c, String what) {
            formatNchw(c.getCnn2dDataFormat(), what);
            int k = square(c.getKernelSize(), "kernel", what);
            int s = square(c.getStride(), "stride", what);
            noDilation(c.getDilation(), what);
            Shape.Image img = image(what);
            if (c.getNIn() > 0 && c.getNIn() != img.channels()) {
                throw mismatch(what + " takes " + c.getNIn() + " input channel" + (c.getNIn() == 1 ? "" : "s") + " but gets " + shape);
            }
            int p = switch (mode(c.getConvolutionMode(), what)) {
                case Same -> samePadding(img, k, s, what);
                case Strict -> strict(img, k, s, square(c.getPadding(), "padding", what), what);
                default -> square(c.getPadding(), "padding", what);
            };
            return new Block.Conv2d(Math.toIntExact(c.getNOut()), k, s, p, c.hasBias(), activation(c.getActivationFn(), what));
        }

        private Block.Pool pool(SubsamplingLayer l, String what) {
            formatNchw(l.getCnn2dDataFormat(), what);
            Block.Pool.PoolType type;
            if (l.getPoolingType() == PoolingType.MAX) {
                type = Block.Pool.PoolType.MAX;
            } else if (l.getPoolingType() == PoolingType.AVG) {
                type = Block.Pool.PoolType.AVG;
            } else {
                throw new ModelImportException(what + " has pooling type " + l.getPoolingType() + ": use MAX or AVG");
            }
            int k = square(l.getKernelSize(), "kernel", what);
            int s = square(l.getStride(), "stride", what);
            noDilation(l.getDilation(), what);
            Shape.Image img = image(what);
            int p = switch (mode(l.getConvolutionMode(), what)) {
                case Same -> samePadding(img, k, s, what);
                case Strict -> strict(img, k, s, square(l.getPadding(), "padding", what), what);
                default -> square(l.getPadding(), "padding", what);
            };
            if (p != 0) {
                throw new ModelImportException(what + " pads its input by " + p + ": only unpadded pooling is supported");
            }
            return new Block.Pool(type, k, s);
        }

        /** Batch norm must keep DL4J's defaults: the engine's batch norm is DL4J's default one, parameters and all. */
        private void batchNorm(BatchNormalization bn, String what) {
            BatchNormalization ours = (BatchNormalization) Nd4jLayers.layers(new Block.BatchNorm()).get(0);
            String differs = bn.getEps() != ours.getEps() ? "eps " + bn.getEps()
                    : bn.getDecay() != ours.getDecay() ? "decay " + bn.getDecay()
                    : bn.isLockGammaBeta() != ours.isLockGammaBeta() ? "lockGammaBeta " + bn.isLockGammaBeta()
                    : bn.isUseLogStd() != ours.isUseLogStd() ? "useLogStd " + bn.isUseLogStd()
                    : bn.isMinibatch() != ours.isMinibatch() ? "minibatch " + bn.isMinibatch()
                    : bn.getCnn2DFormat() != null && bn.getCnn2DFormat() != CNN2DFormat.NCHW ? "data format " + bn.getCnn2DFormat()
                    : null;
            if (differs != null) {
                throw new ModelImportException(what + " has " + differs + ": only DL4J's defaults are supported (eps " + ours.getEps()
                        + ", decay " + ours.getDecay() + ", lockGammaBeta false, useLogStd " + ours.isUseLogStd() + ", NCHW)");
            }
            long features = shape instanceof Shape.Image img ? img.channels() : shape.size();
            if (bn.getNIn() > 0 && bn.getNIn() != features) {
                throw mismatch(what + " normalises " + bn.getNIn() + " features but gets " + shape);
            }
        }

        /** Settings that change training beyond what the blocks do. */
        private static void checkTraining(Layer layer, String what) {
            if (layer.getIDropout() != null) {
                throw new ModelImportException(what + " has dropout, which is not supported: remove it");
            }
            if (layer.getConstraints() != null && !layer.getConstraints().isEmpty()) {
                throw new ModelImportException(what + " has weight constraints, which are not supported: remove them");
            }
            if (layer instanceof BaseLayer b) {
                List<Regularization> all = new ArrayList<>();
                if (b.getRegularization() != null) {
                    all.addAll(b.getRegularization());
                }
                if (b.getRegularizationBias() != null) {
                    all.addAll(b.getRegularizationBias());
                }
                if (!all.isEmpty()) {
                    throw new ModelImportException(what + " has " + regularization(all.get(0)) + ", which is not supported:"
                            + " remove it from the configuration (the trial's weight_decay setting applies weight decay)");
                }
                if (b.getWeightNoise() != null) {
                    throw new ModelImportException(what + " has weight noise, which is not supported: remove it");
                }
                if (b.getGradientNormalization() != null && b.getGradientNormalization() != GradientNormalization.None) {
                    throw new ModelImportException(what + " has gradient normalization " + b.getGradientNormalization()
                            + ", which is not supported: remove it");
                }
            }
        }

        private static String regularization(Regularization r) {
            if (r instanceof L1Regularization) {
                return "l1 regularisation";
            }
            if (r instanceof L2Regularization) {
                return "l2 regularisation";
            }
            return "regularisation " + r.getClass().getSimpleName();
        }

        private static Activation activation(IActivation a, String what) {
            if (a == null || a instanceof ActivationIdentity) {
                return Activation.IDENTITY;
            }
            if (a instanceof ActivationReLU && a.equals(new ActivationReLU())) {
                return Activation.RELU;
            }
            if (a instanceof ActivationTanH) {
                return Activation.TANH;
            }
            if (a instanceof ActivationSigmoid) {
                return Activation.SIGMOID;
            }
            throw new ModelImportException(what + " has activation " + a + ", which is not supported: use identity, relu, tanh"
                    + " or sigmoid (softmax only in the output or loss layer)");
        }

        private static void checkSoftmaxLoss(IActivation activation, ILossFunction loss, String what) {
            boolean softmax = activation instanceof ActivationSoftmax;
            boolean crossEntropy = loss != null && (loss.getClass() == LossMCXENT.class || loss.getClass() == LossNegativeLogLikelihood.class);
            if (!softmax || !crossEntropy) {
                throw new ModelImportException(what + " has activation " + activation + " and loss " + (loss == null ? "none" : loss.getClass().getSimpleName().replaceFirst("^Loss", "").toUpperCase(Locale.ROOT))
                        + ": only softmax with MCXENT or NEGATIVELOGLIKELIHOOD is supported");
            }
            LossMCXENT xent = (LossMCXENT) loss;
            if (xent.getWeights() != null || xent.getSoftmaxClipEps() != new LossMCXENT().getSoftmaxClipEps()) {
                throw new ModelImportException(what + " has class weights or a softmax clip other than DL4J's default, which are not supported");
            }
        }

        private void checkInputs(FeedForwardLayer layer, String what) {
            if (layer.getNIn() > 0 && layer.getNIn() != shape.size()) {
                throw mismatch(what + " takes " + layer.getNIn() + " inputs but gets " + shape.size());
            }
        }

        private void checkClasses(long outputs, String what) {
            if (outputs != classes) {
                throw new ModelImportException(what + " has " + outputs + " outputs but the data set has " + classes + " classes");
            }
        }

        private ModelImportException mismatch(String detail) {
            return new ModelImportException("the DL4J network does not fit the data set's examples " + input + ": " + detail);
        }

        private Shape.Image image(String what) {
            if (shape instanceof Shape.Image img) {
                return img;
            }
            throw new ModelImportException(what + " needs images but gets " + shape
                    + (blocks.isEmpty() ? ": the data set's examples are flat" : ""));
        }

        private static ConvolutionMode mode(ConvolutionMode mode, String what) {
            if (mode == null || mode == ConvolutionMode.Truncate) {
                return ConvolutionMode.Truncate;
            }
            if (mode == ConvolutionMode.Same || mode == ConvolutionMode.Strict) {
                return mode;
            }
            throw new ModelImportException(what + " has convolution mode " + mode + ": use Truncate, Strict or Same");
        }

        /**
         * DL4J's Same mode pads {@code total = (ceil(in/s) − 1)·s + k − in} per dimension, the smaller half
         * on top and left ({@code ConvolutionUtils.getSameModeTopLeftPadding}). When that total is even and
         * equal for height and width, explicit padding {@code total/2} gives the same output size,
         * {@code floor((in + total − k)/s) + 1 = ceil(in/s)}, and the same values.
         */
        private static int samePadding(Shape.Image img, int k, int s, String what) {
            int h = (ceilDiv(img.height(), s) - 1) * s + k - img.height();
            int w = (ceilDiv(img.width(), s) - 1) * s + k - img.width();
            if (h < 0 || w < 0 || h % 2 != 0 || h != w) {
                throw new ModelImportException(what + " in Same mode pads " + img + " by " + h + " in height and " + w
                        + " in width, not the same on every side: use ConvolutionMode.Truncate with explicit padding");
            }
            return h / 2;
        }

        private static int strict(Shape.Image img, int k, int s, int p, String what) {
            if ((img.height() + 2 * p - k) % s != 0 || (img.width() + 2 * p - k) % s != 0) {
                throw new ModelImportException(what + " is in Strict mode but its kernel and stride do not fit " + img + " exactly");
            }
            return p;
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }

        private static int square(int[] values, String setting, String what) {
            if (values == null || values.length != 2 || values[0] != values[1]) {
                throw new ModelImportException(what + " has a " + dims(values) + " " + setting + ": only square " + setting
                        + (setting.equals("padding") ? "" : "s") + " are supported");
            }
            return values[0];
        }

        private static void noDilation(int[] dilation, String what) {
            if (dilation != null && Arrays.stream(dilation).anyMatch(d -> d != 1)) {
                throw new ModelImportException(what + " has dilation " + dims(dilation) + ": only dilation 1 is supported");
            }
        }

        private static void formatNchw(CNN2DFormat format, String what) {
            if (format != null && format != CNN2DFormat.NCHW) {
                throw new ModelImportException(what + " uses the " + format + " data format: only NCHW is supported");
            }
        }

        private static String dims(int[] values) {
            return values == null ? "missing" : String.join("x", Arrays.stream(values).mapToObj(String::valueOf).toList());
        }

        private void add(Block block, int source, String what) {
            try {
                shape = block.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new ModelImportException(what + " cannot take " + shape + ": " + e.getMessage(), e);
            }
            blocks.add(block);
            sources.add(source);
        }

        private static String fileName(String path) {
            String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }
}
