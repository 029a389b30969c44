package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax with multi-class cross-entropy on logits, as DL4J's {@code LossLayer(MCXENT, SOFTMAX)}:
 * gradient {@code softmax(z) − y} per example (summed over the minibatch like every gradient
 * here), loss the mean of {@code −log p_label} with DL4J's floor of 1e-10 under the probability.
 */
final class SoftmaxLossBlock extends NativeBlock {

    /** Loss and correct predictions of one minibatch. */
    record Outcome(double loss, int correct) {
    }

    private final NativeOp softmax = NativeOp.of("softmax", 1);
    private final NativeOp subtract = NativeOp.of("subtract");
    private INDArray probabilities;

    SoftmaxLossBlock(Shape in) {
        super(in, in);
    }

    /** Loss of logits {@code z} against one-hot {@code labels}; writes {@code ∂loss/∂z} (summed) into {@code gradIn} when given. */
    Outcome lossBackward(INDArray z, INDArray labels, INDArray gradIn) {
        probabilities = Buffers.ensure(probabilities, z.dataType(), z.shape());
        softmax.run(z, probabilities);
        if (gradIn != null) {
            subtract.run(probabilities, labels, gradIn);
        }
        int n = (int) z.size(0);
        int k = (int) z.size(1);
        double[] p = probabilities.data().asDouble();
        double[] y = (labels.isView() || labels.ordering() != 'c' ? labels.dup('c') : labels).data().asDouble();
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int argmax = 0;
            int label = 0;
            for (int c = 0; c < k; c++) {
                if (p[i * k + c] > p[i * k + argmax]) {
                    argmax = c;
                }
                if (y[i * k + c] > y[i * k + label]) {
                    label = c;
                }
            }
            loss -= Math.log(Math.max(p[i * k + label], 1e-10));
            correct += argmax == label ? 1 : 0;
        }
        return new Outcome(loss / n, correct);
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State s, INDArray out) {
        softmax.run(x, out);
        return out;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn) {
        throw new UnsupportedOperationException("the loss block's backward is lossBackward");
    }
}
