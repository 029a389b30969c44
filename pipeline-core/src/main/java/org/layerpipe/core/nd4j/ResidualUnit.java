package org.layerpipe.core.nd4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ResNet basic block {@code y = relu(main(x) + shortcut(x))}: the main branch
 * (conv-BN-ReLU-conv-BN) and the optional projection (1×1 conv-BN) are Deeplearning4j
 * networks; only the addition and the final ReLU are done here, with ND4J ops.
 * Parameters: main branch first, then the projection.
 */
final class ResidualUnit implements Unit {

    private final SegmentUnit main;
    private final SegmentUnit projection;
    private final long nMain;
    private INDArray reluMask;

    /** @param projection the shortcut's configuration, null for the identity */
    ResidualUnit(MultiLayerConfiguration main, MultiLayerConfiguration projection, INDArray paramsView) {
        long nMain = Nd4jLayers.numParams(main);
        this.main = new SegmentUnit(main, paramsView.get(NDArrayIndex.interval(0, nMain)));
        this.projection = projection == null ? null
                : new SegmentUnit(projection, paramsView.get(NDArrayIndex.interval(nMain, paramsView.length())));
        this.nMain = nMain;
    }

    @Override
    public INDArray forward(INDArray input) {
        INDArray sum = main.forward(input).add(projection == null ? input : projection.forward(input));
        reluMask = sum.gt(0).castTo(sum.dataType());
        return sum.muli(reluMask);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray gradSum = gradOutput.mul(reluMask);
        INDArray gradInput = main.backward(gradSum);
        return gradInput.addi(projection == null ? gradSum : projection.backward(gradSum));
    }

    @Override
    public Object snapshot() {
        return null; // both branches end in batch norm
    }

    @Override
    public void restore(Object snapshot) {
        throw new UnsupportedOperationException("a residual block recomputes its forward");
    }

    @Override
    public INDArray infer(INDArray input) {
        reluMask = null;
        INDArray sum = main.infer(input).add(projection == null ? input : projection.infer(input));
        return Transforms.relu(sum, false);
    }

    @Override
    public long numParams() {
        return main.numParams() + (projection == null ? 0 : projection.numParams());
    }

    @Override
    public void addGradientsTo(INDArray accumulator) {
        main.addGradientsTo(accumulator.get(NDArrayIndex.interval(0, nMain)));
        if (projection != null) {
            projection.addGradientsTo(accumulator.get(NDArrayIndex.interval(nMain, accumulator.length())));
        }
    }

    @Override
    public INDArray trainableMask() {
        return projection == null ? main.trainableMask() : Nd4j.concat(0, main.trainableMask(), projection.trainableMask());
    }
}
