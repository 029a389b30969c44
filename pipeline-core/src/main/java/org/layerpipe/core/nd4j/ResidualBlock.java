package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ResNet basic block {@code y = relu(bn(conv(relu(bn(conv_s(x))))) + shortcut(x))}, the
 * shortcut being the identity or a 1×1 convolution with batch norm. Built from the same native
 * blocks as everything else; parameters in DL4J's order of the two small networks the block
 * is made of: main branch (conv, bn, conv, bn), then the projection (conv, bn).
 */
final class ResidualBlock extends NativeBlock {

    private static final class ResidualState extends State {
        final State[] main;
        final State[] shortcut;
        final INDArray[] mainOut;
        final INDArray[] shortcutOut;

        ResidualState(List<NativeBlock> main, List<NativeBlock> shortcut) {
            this.main = main.stream().map(NativeBlock::newState).toArray(State[]::new);
            this.shortcut = shortcut.stream().map(NativeBlock::newState).toArray(State[]::new);
            this.mainOut = new INDArray[main.size()];
            this.shortcutOut = new INDArray[shortcut.size()];
        }

        @Override
        long savedBytes() {
            long b = 0;
            for (int i = 0; i < main.length; i++) {
                b += Buffers.bytes(mainOut[i]) + main[i].savedBytes();
            }
            for (int i = 0; i < shortcut.length; i++) {
                b += Buffers.bytes(shortcutOut[i]) + shortcut[i].savedBytes();
            }
            return b;
        }
    }

    private final List<NativeBlock> main = new ArrayList<>();
    private final List<NativeBlock> shortcut = new ArrayList<>();
    private final ActivationOps relu = new ActivationOps(Activation.RELU);
    private final NativeOp add = NativeOp.of("add");
    private INDArray gradSum;
    private INDArray[] mainGrad;
    private INDArray[] shortcutGrad;
    private INDArray shortcutIn;

    ResidualBlock(Block.Residual r, Shape in, ParamLayout layout) {
        super(in, r.outputShape(in));
        Shape mid = r.conv1().outputShape(in);
        main.add(new ConvBlock(r.conv1(), in, layout));
        main.add(new BatchNormBlock(mid, layout));
        main.add(new ActivationBlock(new Block.Act(Activation.RELU), mid));
        main.add(new ConvBlock(r.conv2(), mid, layout));
        main.add(new BatchNormBlock(output, layout));
        if (r.projects(in)) {
            shortcut.add(new ConvBlock(r.projection(), in, layout));
            shortcut.add(new BatchNormBlock(output, layout));
        }
        mainGrad = new INDArray[main.size()];
        shortcutGrad = new INDArray[shortcut.size()];
    }

    @Override
    boolean readsWeightsWithoutInputGradient() {
        return true;
    }

    @Override
    State newState() {
        return new ResidualState(main, shortcut);
    }

    @Override
    INDArray forward(INDArray x, INDArray[] w, State state, INDArray out) {
        return run(x, w, (ResidualState) state, out, true);
    }

    @Override
    INDArray infer(INDArray x, INDArray[] w, State state, INDArray out) {
        return run(x, w, (ResidualState) state, out, false);
    }

    private INDArray run(INDArray x, INDArray[] w, ResidualState s, INDArray out, boolean training) {
        s.x = x;
        INDArray a = chain(main, s.main, s.mainOut, x, w, training);
        INDArray b = shortcut.isEmpty() ? x : chain(shortcut, s.shortcut, s.shortcutOut, x, w, training);
        s.y = out;
        add.run(a, b, out);
        relu.forward(out, out);
        return out;
    }

    private static INDArray chain(List<NativeBlock> blocks, State[] states, INDArray[] outs, INDArray x, INDArray[] w,
                                  boolean training) {
        INDArray h = x;
        for (int i = 0; i < blocks.size(); i++) {
            NativeBlock b = blocks.get(i);
            outs[i] = Buffers.ensure(outs[i], x.dataType(), Buffers.dims(b.output, x.size(0)));
            h = training ? b.forward(h, w, states[i], outs[i]) : b.infer(h, w, states[i], outs[i]);
        }
        return h;
    }

    @Override
    void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State state, INDArray gradIn) {
        ResidualState s = (ResidualState) state;
        gradSum = Buffers.ensure(gradSum, g.dataType(), g.shape());
        relu.backward(null, s.y, g, gradSum);
        INDArray fromMain = chainBackward(main, s.main, mainGrad, gradSum, w, gw, accumulate, s.x,
                shortcut.isEmpty() ? gradIn : null, gradIn != null);
        if (shortcut.isEmpty()) {
            if (gradIn != null) {
                add.run(gradIn, gradSum, gradIn);
            }
            return;
        }
        shortcutIn = gradIn == null ? null : Buffers.ensure(shortcutIn, g.dataType(), gradIn.shape());
        chainBackward(shortcut, s.shortcut, shortcutGrad, gradSum, w, gw, accumulate, s.x, shortcutIn, gradIn != null);
        if (gradIn != null) {
            add.run(fromMain, shortcutIn, gradIn);
        }
    }

    /**
     * Backward through a chain; the first block's input gradient goes to {@code first} (when the
     * caller needs it and wants it there) or to a scratch buffer of the chain.
     */
    private static INDArray chainBackward(List<NativeBlock> blocks, State[] states, INDArray[] grads, INDArray g, INDArray[] w,
                                          INDArray[] gw, boolean accumulate, INDArray x, INDArray first, boolean needInput) {
        INDArray h = g;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            NativeBlock b = blocks.get(i);
            INDArray dest;
            if (i == 0) {
                dest = !needInput ? null : first != null ? first : (grads[0] = Buffers.ensure(grads[0], g.dataType(), x.shape()));
            } else {
                grads[i] = Buffers.ensure(grads[i], g.dataType(), Buffers.dims(b.input, g.size(0)));
                dest = grads[i];
            }
            b.backward(h, w, gw, accumulate, states[i], dest);
            h = dest;
        }
        return h;
    }
}
