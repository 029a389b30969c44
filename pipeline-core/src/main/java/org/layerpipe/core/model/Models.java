package org.layerpipe.core.model;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.model.Block.Act;
import org.layerpipe.core.model.Block.BatchNorm;
import org.layerpipe.core.model.Block.Conv2d;
import org.layerpipe.core.model.Block.Dense;
import org.layerpipe.core.model.Block.Flatten;
import org.layerpipe.core.model.Block.Pool;
import org.layerpipe.core.model.Block.Residual;
import org.layerpipe.core.model.Block.SoftmaxLoss;

/** The models we ship, as block sequences. */
public final class Models {

    private Models() {
    }

    /** Multi-layer perceptron: one ReLU dense block per hidden width, then a dense block to the classes. */
    public static ModelSpec mlp(Shape input, int classes, int... hidden) {
        List<Block> blocks = new ArrayList<>();
        if (input instanceof Shape.Image) {
            blocks.add(new Flatten());
        }
        for (int h : hidden) {
            blocks.add(new Dense(h, Activation.RELU));
        }
        blocks.add(new Dense(classes, Activation.IDENTITY));
        blocks.add(new SoftmaxLoss());
        return new ModelSpec("mlp", input, blocks);
    }

    /**
     * Small CNN for CPU studies: two conv-BN-ReLU-maxpool stages, then dense layers.
     * On 1×28×28 input: 8 blocks per conv stage pair, about 0.1M parameters.
     */
    public static ModelSpec cnn(Shape.Image input, int classes) {
        List<Block> blocks = List.of(
                new Conv2d(16, 3, 1, 1, false, Activation.IDENTITY), new BatchNorm(), new Act(Activation.RELU),
                new Pool(Pool.PoolType.MAX, 2, 2),
                new Conv2d(32, 3, 1, 1, false, Activation.IDENTITY), new BatchNorm(), new Act(Activation.RELU),
                new Pool(Pool.PoolType.MAX, 2, 2),
                new Flatten(),
                new Dense(128, Activation.RELU),
                new Dense(classes, Activation.IDENTITY),
                new SoftmaxLoss());
        return new ModelSpec("cnn", input, blocks);
    }

    /**
     * ResNet-18, CIFAR variant: 3×3 stem without max-pool, eight basic residual blocks
     * (64, 64, 128, 128, 256, 256, 512, 512; stride 2 at each width change), global average
     * pooling, dense classifier. About 11M parameters; the residual blocks are pipeline blocks.
     */
    public static ModelSpec resnet18(Shape.Image input, int classes) {
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Conv2d(64, 3, 1, 1, false, Activation.IDENTITY));
        blocks.add(new BatchNorm());
        blocks.add(new Act(Activation.RELU));
        int[] widths = {64, 64, 128, 128, 256, 256, 512, 512};
        int channels = 64;
        int side = input.height();
        for (int w : widths) {
            int stride = w != channels ? 2 : 1;
            blocks.add(new Residual(w, stride));
            if (stride == 2) {
                side = (side + 2 - 3) / 2 + 1;
            }
            channels = w;
        }
        blocks.add(new Pool(Pool.PoolType.AVG, side, side));
        blocks.add(new Flatten());
        blocks.add(new Dense(classes, Activation.IDENTITY));
        blocks.add(new SoftmaxLoss());
        return new ModelSpec("resnet18", input, blocks);
    }
}
