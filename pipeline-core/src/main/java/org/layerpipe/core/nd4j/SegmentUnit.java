package org.layerpipe.core.nd4j;

import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run of plain layers as one Deeplearning4j network whose parameters are a view into the
 * stage's flat vector. Follows the recipe that keeps layer inputs for backprop:
 * {@code setInput; feedForward(true, false)} then {@code backpropGradient}. When the run
 * ends with the loss layer, {@link #lossBackward} computes loss and gradients in one call.
 */
final class SegmentUnit implements Unit {

    private final MultiLayerNetwork net;
    private final boolean endsWithLoss;
    private final boolean restorable;
    private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();

    /** @param paramsView the unit's slice of the stage's flat parameters, already holding the initial values (null without parameters) */
    SegmentUnit(MultiLayerConfiguration conf, INDArray paramsView) {
        this.net = new MultiLayerNetwork(conf);
        if (paramsView != null) {
            net.init(paramsView, false);
        } else {
            net.init();
        }
        this.endsWithLoss = net.getOutputLayer() instanceof IOutputLayer;
        // dense, convolution, pooling and activation layers backprop from their input and the
        // current parameters alone; batch norm also needs the batch statistics it cached
        boolean plain = true;
        for (Layer layer : net.getLayers()) {
            plain &= !(layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization);
        }
        this.restorable = plain && !endsWithLoss;
    }

    boolean endsWithLoss() {
        return endsWithLoss;
    }

    @Override
    public INDArray forward(INDArray input) {
        if (endsWithLoss) {
            throw new IllegalStateException("the loss segment runs its forward inside lossBackward");
        }
        net.setInput(input);
        var acts = net.feedForward(true, false);
        return acts.get(acts.size() - 1);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        Pair<Gradient, INDArray> p = net.backpropGradient(gradOutput, noWorkspaces);
        return p.getSecond();
    }

    /** Loss forward + backward of a minibatch. */
    LossOutcome lossBackward(INDArray input, INDArray labels) {
        Pair<Gradient, INDArray> p = net.calculateGradients(input, labels, null, null);
        Layer out = net.getOutputLayer();
        double loss = ((IOutputLayer) out).computeScore(0.0, true, noWorkspaces);
        INDArray scores = out.input();
        INDArray predicted = Nd4j.argMax(scores, 1);
        INDArray truth = Nd4j.argMax(labels, 1);
        int correct = predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().intValue();
        return new LossOutcome(p.getSecond(), loss, correct);
    }

    record LossOutcome(INDArray gradInput, double loss, int correct) {
    }

    @Override
    public Object snapshot() {
        if (!restorable) {
            return null;
        }
        Layer[] layers = net.getLayers();
        INDArray[] inputs = new INDArray[layers.length];
        for (int i = 0; i < layers.length; i++) {
            inputs[i] = layers[i].input();
        }
        return inputs;
    }

    @Override
    public void restore(Object snapshot) {
        INDArray[] inputs = (INDArray[]) snapshot;
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            layers[i].setInput(inputs[i], noWorkspaces);
        }
    }

    @Override
    public INDArray infer(INDArray input) {
        return net.output(input, false);
    }

    @Override
    public long numParams() {
        return net.numParams();
    }

    @Override
    public void addGradientsTo(INDArray accumulator) {
        INDArray g = net.getGradientsViewArray();
        if (g != null) {
            accumulator.addi(g.reshape(g.length()));
        }
    }

    @Override
    public INDArray trainableMask() {
        INDArray mask = Nd4j.ones(net.params().dataType(), net.numParams());
        long offset = 0;
        for (Layer layer : net.getLayers()) {
            for (Map.Entry<String, INDArray> e : layer.paramTable(false).entrySet()) {
                long n = e.getValue().length();
                if (!layer.updaterDivideByMinibatch(e.getKey())) {
                    mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + n)).assign(0);
                }
                offset += n;
            }
        }
        return mask;
    }
}
