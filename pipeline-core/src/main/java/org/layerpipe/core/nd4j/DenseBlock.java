package org.layerpipe.core.nd4j;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer {@code y = f(x·W + b)}. DL4J stores W as [nIn, nOut] in 'f' order,
 * which is the same memory as Wᵀ [nOut, nIn] in 'c' order: the block works with that view,
 * {@code y = x·(Wᵀ)ᵀ}, {@code ∂Wᵀ = gᵀ·x}, {@code ∂x = g·Wᵀ}, all through the {@code matmul} op
 * with its transpose flags and α/β, so gradients accumulate in place without a temporary. The
 * products run on OpenBLAS when the stage has several native threads, on oneDNN when it has one
 * ({@link NativeOp#blasWhenThreaded}).
 */
final class DenseBlock extends ActivatedBlock {

    private final int weights;
    private final int bias;
    private final NativeOp forward = new NativeOp("matmul", new long[] {0, 1, 0}, 1.0, 0.0).blasWhenThreaded();
    private final NativeOp weightGrad = new NativeOp("matmul", new long[] {1, 0, 0}, 1.0, 0.0).blasWhenThreaded();
    private final NativeOp weightGradAdd = new NativeOp("matmul", new long[] {1, 0, 0}, 1.0, 1.0).blasWhenThreaded();
    private final NativeOp inputGrad = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 0.0).blasWhenThreaded();
    /** Bias gradient {@code 1ᵀ·g} as a matrix product: libnd4j's column reduce_sum is ~10× slower here. */
    private final NativeOp biasGrad = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 0.0).blasWhenThreaded();
    private final NativeOp biasGradAdd = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 1.0).blasWhenThreaded();
    private final NativeOp biasAdd = NativeOp.of("biasadd");
    private INDArray ones;
    private final ViewCache biasRows = new ViewCache();

    DenseBlock(Block.Dense d, Shape in, ParamLayout layout) {
        super(in, d.outputShape(in), d.activation());
        long nIn = in.size();
        this.weights = layout.add(d.units(), nIn);
        this.bias = layout.add(d.units());
    }

    @Override
    void linear(INDArray x, INDArray[] w, INDArray z) {
        forward.run(x, w[weights], z);
        biasAdd.run(z, w[bias], z);
    }

    @Override
    void linearBackward(INDArray gz, INDArray x, INDArray[] w, INDArray[] gw, boolean accumulate, INDArray gradIn) {
        (accumulate ? weightGradAdd : weightGrad).run(gz, x, gw[weights]);
        if (ones == null || ones.size(1) != gz.size(0) || ones.dataType() != gz.dataType()) {
            ones = Nd4j.ones(gz.dataType(), 1, gz.size(0));
        }
        (accumulate ? biasGradAdd : biasGrad).run(ones, gz, biasRows.of(gw[bias], 1, gw[bias].length()));
        if (gradIn != null) {
            inputGrad.run(gz, w[weights], gradIn);
        }
    }
}
