package org.layerpipe.core.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Image to flat vector in 'c' order, exactly what DL4J's {@code CnnToFeedForwardPreProcessor}
 * does between a convolutional and a dense layer, so a cut right after a flatten trains the
 * same as the unsplit network.
 */
final class FlattenUnit implements Unit {

    private long[] inputShape;

    @Override
    public INDArray forward(INDArray input) {
        inputShape = input.shape();
        return flat(input);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.dup('c').reshape('c', inputShape);
    }

    @Override
    public Object snapshot() {
        return inputShape;
    }

    @Override
    public void restore(Object snapshot) {
        inputShape = (long[]) snapshot;
    }

    @Override
    public INDArray infer(INDArray input) {
        return flat(input);
    }

    private static INDArray flat(INDArray input) {
        return input.dup('c').reshape('c', input.size(0), input.length() / input.size(0));
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public void addGradientsTo(INDArray accumulator) {
    }

    @Override
    public INDArray trainableMask() {
        return Nd4j.empty();
    }
}
