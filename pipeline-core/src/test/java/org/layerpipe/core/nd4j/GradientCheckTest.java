package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block.Pool.PoolType;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference gradient check of every block type, in double precision: the stage's
 * parameter gradients and its input gradient against central differences of the loss.
 * Each case puts the block under test in front of a small head (flatten, dense, softmax loss),
 * so the head's blocks are checked in every case too. The check itself is checked: a backward
 * broken on purpose (one gradient 1% off) must fail it.
 */
class GradientCheckTest {

    private static final double H = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    private static final double MIN_ABSOLUTE_ERROR = 1e-9;
    private static final int BATCH = 4;

    static Stream<Arguments> blocks() {
        Shape flat = new Shape.Flat(6);
        Shape image = new Shape.Image(2, 5, 5);
        return Stream.of(
                Arguments.of("dense relu", flat, List.of(new Block.Dense(5, Activation.RELU))),
                Arguments.of("dense tanh", flat, List.of(new Block.Dense(5, Activation.TANH))),
                Arguments.of("conv 3x3 pad 1 bias tanh", image, List.of(new Block.Conv2d(3, 3, 1, 1, true, Activation.TANH))),
                Arguments.of("conv 3x3 stride 2", image, List.of(new Block.Conv2d(3, 3, 2, 0, false, Activation.IDENTITY))),
                Arguments.of("max pool", new Shape.Image(2, 4, 4), List.of(new Block.Pool(PoolType.MAX, 2, 2))),
                Arguments.of("avg pool", new Shape.Image(2, 4, 4), List.of(new Block.Pool(PoolType.AVG, 2, 2))),
                Arguments.of("batch norm (image)", new Shape.Image(2, 3, 3), List.of(new Block.BatchNorm())),
                Arguments.of("batch norm (flat)", flat, List.of(new Block.BatchNorm())),
                Arguments.of("relu", flat, List.of(new Block.Act(Activation.RELU))),
                Arguments.of("sigmoid", flat, List.of(new Block.Act(Activation.SIGMOID))),
                Arguments.of("flatten", new Shape.Image(2, 3, 3), List.of(new Block.Flatten())),
                Arguments.of("softmax loss alone", new Shape.Flat(3), List.of()),
                Arguments.of("residual identity", new Shape.Image(3, 4, 4), List.of(new Block.Residual(3, 1))),
                Arguments.of("residual projection", new Shape.Image(2, 4, 4), List.of(new Block.Residual(4, 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void gradientsMatchFiniteDifferences(String name, Shape input, List<Block> under) {
        Check c = check(1, input, under, Nd4jStage::create);
        assertTrue(c.checked() > 10, "checked only " + c.checked() + " entries");
        assertTrue(c.failures().isEmpty(), name + ": " + c.failures().size() + " of " + c.checked() + " gradients off: " + c.failures());
    }

    /**
     * A convolution that is the network's first block computes only its weight gradient, by a
     * path of its own when it has few input channels (see {@code ConvBlock}): checked at stage 0.
     */
    static Stream<Arguments> firstBlocks() {
        return Stream.of(
                Arguments.of("first conv, 1 channel, bias, tanh", new Shape.Image(1, 5, 5),
                        List.of(new Block.Conv2d(3, 3, 1, 1, true, Activation.TANH))),
                Arguments.of("first conv, 3 channels, stride 2", new Shape.Image(3, 6, 6),
                        List.of(new Block.Conv2d(4, 3, 2, 0, false, Activation.IDENTITY))),
                Arguments.of("first conv, 2 channels, 5x5 pad 2, relu", new Shape.Image(2, 5, 5),
                        List.of(new Block.Conv2d(3, 5, 1, 2, true, Activation.RELU))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstBlocks")
    void firstBlockWeightGradientsMatchFiniteDifferences(String name, Shape input, List<Block> under) {
        Check c = check(0, input, under, Nd4jStage::create);
        assertTrue(c.checked() > 10, "checked only " + c.checked() + " entries");
        assertTrue(c.failures().isEmpty(), name + ": " + c.failures().size() + " of " + c.checked() + " gradients off: " + c.failures());
    }

    @Test
    void aBrokenFirstBlockWeightGradientIsCaught() {
        Block conv = new Block.Conv2d(3, 3, 1, 1, true, Activation.TANH);
        Check c = check(0, new Shape.Image(1, 5, 5), List.of(conv), mutated(conv, Mutation.WEIGHT_GRADIENT));
        assertFalse(c.failures().isEmpty(), "the gradient check passed a broken first-block backward (" + c.checked() + " entries)");
    }

    static Stream<Arguments> mutants() {
        Shape flat = new Shape.Flat(6);
        Shape image = new Shape.Image(2, 5, 5);
        return Stream.of(
                Arguments.of("dense: weight gradient 1% off", flat, new Block.Dense(5, Activation.RELU), Mutation.WEIGHT_GRADIENT),
                Arguments.of("dense: input gradient 1% off", flat, new Block.Dense(5, Activation.RELU), Mutation.INPUT_GRADIENT),
                Arguments.of("conv: weight gradient 1% off", image, new Block.Conv2d(3, 3, 1, 1, true, Activation.TANH),
                        Mutation.WEIGHT_GRADIENT),
                Arguments.of("batch norm: gamma gradient 1% off", new Shape.Image(2, 3, 3), new Block.BatchNorm(),
                        Mutation.WEIGHT_GRADIENT),
                Arguments.of("batch norm: input gradient 1% off", new Shape.Image(2, 3, 3), new Block.BatchNorm(),
                        Mutation.INPUT_GRADIENT),
                Arguments.of("residual: input gradient 1% off", new Shape.Image(2, 4, 4), new Block.Residual(4, 2),
                        Mutation.INPUT_GRADIENT));
    }

    /** What a deliberately broken backward gets wrong. */
    enum Mutation { WEIGHT_GRADIENT, INPUT_GRADIENT }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void aBrokenBackwardIsCaught(String name, Shape input, Block block, Mutation mutation) {
        Check c = check(1, input, List.of(block), mutated(block, mutation));
        assertFalse(c.failures().isEmpty(), name + ": the gradient check passed a broken backward (" + c.checked() + " entries)");
    }

    /** The real blocks, except that {@code block}'s backward gets {@code mutation} wrong by 1%. */
    private static Nd4jStage.BlockFactory mutated(Block block, Mutation mutation) {
        return (b, in, layout) -> {
            NativeBlock real = Nd4jStage.create(b, in, layout);
            return b != block ? real : new NativeBlock(real.input, real.output) {
                @Override
                State newState() {
                    return real.newState();
                }

                @Override
                INDArray forward(INDArray x, INDArray[] w, State s, INDArray out) {
                    return real.forward(x, w, s, out);
                }

                @Override
                void backward(INDArray g, INDArray[] w, INDArray[] gw, boolean accumulate, State s, INDArray gradIn) {
                    real.backward(g, w, gw, accumulate, s, gradIn);
                    // the block under test holds the stage's first parameters
                    (mutation == Mutation.WEIGHT_GRADIENT ? gw[0] : gradIn).muli(1.01);
                }
            };
        };
    }

    record Check(int checked, List<String> failures) {
    }

    /** Stage {@code index} 0 is the first: it returns no input gradient, so only parameters are checked. */
    private static Check check(int index, Shape input, List<Block> under, Nd4jStage.BlockFactory factory) {
        List<Block> blocks = new ArrayList<>(under);
        Shape out = input;
        for (Block b : under) {
            out = b.outputShape(out);
        }
        if (out instanceof Shape.Image) {
            blocks.add(new Block.Flatten());
        }
        if (!under.isEmpty()) {
            blocks.add(new Block.Dense(3, Activation.IDENTITY));
        }
        blocks.add(new Block.SoftmaxLoss());
        ModelSpec model = new ModelSpec("check", input, blocks);
        DataType dtype = DataType.DOUBLE;
        TestModels.Data data = TestModels.data(model, 1, BATCH, 11, dtype);
        INDArray x = data.input(0).dup();
        INDArray y = data.labels(0);

        // at index 1 the stage also returns the gradient with respect to its input
        Nd4jStage stage = new Nd4jStage(index, model.blocks(), model.shapes().subList(0, model.numBlocks()),
                Nd4jLayers.initialParameters(model, dtype, 3), WeightSettings.latest(), 0, SgdSettings.PLAIN, dtype,
                ActivationPolicy.STASH, factory);
        stage.forward(0, x, y);
        BackwardResult<INDArray> analytic = stage.backward(0, null);
        // DL4J's gradients are of the summed loss; the score is the mean
        INDArray paramGrad = stage.numParams() == 0 ? null : stage.accumulatedGradients().dup().divi(BATCH);
        INDArray inputGrad = index == 0 ? null : analytic.gradInput().dup().divi(BATCH);

        Random random = new Random(5);
        INDArray params = stage.parameters();
        INDArray trainable = stage.trainableMask();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (long i : sample(stage.numParams(), 60, random)) {
            if (trainable.getDouble(i) == 0) {
                continue; // batch-norm running statistics: not trained by gradient
            }
            double original = params.getDouble(i);
            params.putScalar(i, original + H);
            double plus = loss(stage, x, y);
            params.putScalar(i, original - H);
            double minus = loss(stage, x, y);
            params.putScalar(i, original);
            compare("param " + i, paramGrad.getDouble(i), (plus - minus) / (2 * H), failures);
            checked++;
        }
        if (index == 0) {
            return new Check(checked, failures);
        }
        INDArray xFlat = x.reshape(x.length());
        INDArray gFlat = inputGrad.reshape(inputGrad.length());
        for (long i : sample(x.length(), 30, random)) {
            double original = xFlat.getDouble(i);
            xFlat.putScalar(i, original + H);
            double plus = loss(stage, x, y);
            xFlat.putScalar(i, original - H);
            double minus = loss(stage, x, y);
            xFlat.putScalar(i, original);
            compare("input " + i, gFlat.getDouble(i), (plus - minus) / (2 * H), failures);
            checked++;
        }
        return new Check(checked, failures);
    }

    private static double loss(Nd4jStage stage, INDArray x, INDArray y) {
        stage.forward(0, x, y);
        return stage.backward(0, null).loss();
    }

    private static void compare(String what, double analytic, double numeric, List<String> failures) {
        double abs = Math.abs(analytic - numeric);
        double rel = abs / Math.max(Math.abs(analytic), Math.abs(numeric));
        if (abs > MIN_ABSOLUTE_ERROR && rel > MAX_RELATIVE_ERROR) {
            failures.add(what + ": analytic " + analytic + " numeric " + numeric);
        }
    }

    private static long[] sample(long n, int k, Random random) {
        if (n <= k) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return random.longs(k, 0, n).distinct().toArray();
    }
}
