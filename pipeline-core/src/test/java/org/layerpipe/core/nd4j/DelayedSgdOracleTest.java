package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An independent oracle for the semantics of delayed-gradient training (DESIGN §2): a linear
 * network (three identity dense layers and softmax cross-entropy) trained by SGD with momentum
 * and weight decay, written as a closed-form recursion over plain {@code double[]} — no
 * schedule, executor, stage or weight-history code. Minibatch j's forward at stage s uses the
 * weights after {@code max(0, j − D(s))} of that stage's updates, its backward happens after
 * exactly j of them, and the gradient is taken at the forward's weights (STASH) or at the
 * current ones (LATEST), with the forward's own activations either way. D(s) = 2·S(s) for
 * LayerPipe2 and S(s) for 1F1B, S(s) = stages after s. The engine, on the same data, initial
 * weights and schedule, must agree to 1e-10 after 50 minibatches; with each delay one larger
 * it must not, nor with the other weight mode — so the test pins the delay and the weights the
 * backward uses, not merely "some" staleness.
 */
class DelayedSgdOracleTest {

    private static final int STEPS = 50;
    private static final int BATCH = 8;
    private static final int[] DIMS = {6, 5, 4, 3};
    private static final double LR = 0.05;
    private static final double MOMENTUM = 0.9;
    private static final double WEIGHT_DECAY = 1e-3;

    static ModelSpec linear() {
        return new ModelSpec("linear", new Shape.Flat(DIMS[0]), List.of(
                new Block.Dense(DIMS[1], Activation.IDENTITY),
                new Block.Dense(DIMS[2], Activation.IDENTITY),
                new Block.Dense(DIMS[3], Activation.IDENTITY),
                new Block.SoftmaxLoss()));
    }

    static Stream<Arguments> cases() {
        return Stream.of(ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B)
                .flatMap(kind -> Stream.of(true, false)
                        .flatMap(stash -> Stream.of(Partition.of(2, 2), Partition.of(1, 1, 2))
                                .map(p -> Arguments.of(kind, stash, p))));
    }

    @ParameterizedTest(name = "{0} stash={1} {2}")
    @MethodSource("cases")
    void engineEqualsTheClosedFormRecursionAndNotAnOffByOneDelay(ScheduleKind kind, boolean stash, Partition partition) {
        ModelSpec model = linear();
        List<INDArray> init = Nd4jLayers.initialParameters(model, DataType.DOUBLE, 42);
        TestModels.Data data = TestModels.data(model, STEPS, BATCH, 7, DataType.DOUBLE);

        int stages = partition.numStages();
        int[] engineDelays = new int[stages];
        for (int s = 0; s < stages; s++) {
            engineDelays[s] = kind.delay(partition.stageStagesAfter(s));
        }
        double[] engine;
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, init, engineDelays,
                stash ? WeightSettings.stash() : WeightSettings.latest(), new SgdSettings(MOMENTUM, WEIGHT_DECAY), DataType.DOUBLE)) {
            ReferenceExecutor.run(Schedule.generate(kind, stages, STEPS, 1), pipeline.stages(), data, LearningRate.constant(LR));
            engine = pipeline.parameters().dup().data().asDouble();
        }

        // the oracle's own delay rule, from the stage index alone
        int[] stageOf = {partition.stageOf(0), partition.stageOf(1), partition.stageOf(2)};
        int[] delay = new int[3];
        for (int l = 0; l < 3; l++) {
            int after = stages - 1 - stageOf[l];
            delay[l] = kind == ScheduleKind.LAYERPIPE2 ? 2 * after : after;
        }
        double[] oracle = Oracle.train(init, data, delay, stash);
        double[] initial = Oracle.flat(Oracle.initialWeights(init));
        assertEquals(oracle.length, engine.length, "parameter count");
        assertTrue(maxAbsDiff(initial, oracle) > 1e-2, "training must move the weights, moved " + maxAbsDiff(initial, oracle));
        double diff = maxAbsDiff(oracle, engine);
        assertTrue(diff <= 1e-10, kind + " " + (stash ? "stash" : "latest") + " " + partition
                + ": max |W_engine − W_oracle| = " + diff);

        int[] offByOne = delay.clone();
        for (int l = 0; l < 3; l++) {
            offByOne[l]++;
        }
        double mutated = maxAbsDiff(Oracle.train(init, data, offByOne, stash), engine);
        assertTrue(mutated > 1e-6, "an oracle with every delay one larger must not match the engine, max diff " + mutated);
        double otherMode = maxAbsDiff(Oracle.train(init, data, delay, !stash), engine);
        assertTrue(otherMode > 1e-6, "the oracle of the other weight mode must not match the engine, max diff " + otherMode);
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /**
     * The recursion, per dense block l with weights W_l [d_l × d_(l+1)] and bias b_l:
     * forward {@code a_(l+1) = a_l·W_l + b_l}; at the loss {@code δ = softmax(a_3) − y} (summed
     * over the minibatch, as the engine accumulates it); backward {@code ∇W_l = a_lᵀ·δ_(l+1)},
     * {@code ∇b_l = Σ δ_(l+1)}, {@code δ_l = δ_(l+1)·Ŵ_lᵀ} with Ŵ the weights the mode prescribes;
     * update {@code v ← μ·v + ∇/n + λ·W;  W ← W − η·v} on the current weights.
     */
    static final class Oracle {

        private Oracle() {
        }

        /** Initial weights per block as {W row-major [in][out], b}; DL4J stores W as [in, out] in 'f' order, then b. */
        static double[][][] initialWeights(List<INDArray> init) {
            double[][][] w = new double[3][][];
            for (int l = 0; l < 3; l++) {
                double[] p = init.get(l).dup().data().asDouble();
                int in = DIMS[l];
                int out = DIMS[l + 1];
                double[] weights = new double[in * out];
                double[] bias = new double[out];
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        weights[i * out + o] = p[i + in * o];
                    }
                }
                System.arraycopy(p, in * out, bias, 0, out);
                w[l] = new double[][] {weights, bias};
            }
            return w;
        }

        /** Back to the engine's flat layout ('f'-order W, then b, block after block). */
        static double[] flat(double[][][] w) {
            List<Double> all = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                int in = DIMS[l];
                int out = DIMS[l + 1];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        all.add(w[l][0][i * out + o]);
                    }
                }
                for (double b : w[l][1]) {
                    all.add(b);
                }
            }
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** Trains {@link #STEPS} minibatches; {@code delay[l]} = updates between block l's forward and backward in steady state. */
        static double[] train(List<INDArray> init, TestModels.Data data, int[] delay, boolean stash) {
            // versions[l].get(k) = block l's {W, b} after k updates
            List<List<double[][]>> versions = new ArrayList<>();
            double[][][] velocity = new double[3][][];
            double[][][] start = initialWeights(init);
            for (int l = 0; l < 3; l++) {
                List<double[][]> h = new ArrayList<>();
                h.add(start[l]);
                versions.add(h);
                velocity[l] = new double[][] {new double[start[l][0].length], new double[start[l][1].length]};
            }
            for (int j = 0; j < STEPS; j++) {
                double[][] x = data.input(j).toDoubleMatrix();
                double[][] y = data.labels(j).toDoubleMatrix();
                int n = x.length;
                double[][][] forwardWeights = new double[3][][];
                double[][][] activations = new double[4][][];
                activations[0] = x;
                for (int l = 0; l < 3; l++) {
                    forwardWeights[l] = versions.get(l).get(Math.max(0, j - delay[l]));
                    activations[l + 1] = affine(activations[l], forwardWeights[l], DIMS[l], DIMS[l + 1]);
                }
                double[][] delta = new double[n][];
                for (int r = 0; r < n; r++) {
                    double[] z = activations[3][r];
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : z) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    double[] p = new double[z.length];
                    for (int c = 0; c < z.length; c++) {
                        p[c] = Math.exp(z[c] - max);
                        sum += p[c];
                    }
                    for (int c = 0; c < z.length; c++) {
                        p[c] = p[c] / sum - y[r][c];
                    }
                    delta[r] = p;
                }
                for (int l = 2; l >= 0; l--) {
                    int in = DIMS[l];
                    int out = DIMS[l + 1];
                    // the backward runs after exactly j updates of this stage: version j is "current"
                    double[][] current = versions.get(l).get(j);
                    double[][] used = stash ? forwardWeights[l] : current;
                    double[] gw = new double[in * out];
                    double[] gb = new double[out];
                    double[][] next = new double[n][in];
                    for (int r = 0; r < n; r++) {
                        for (int o = 0; o < out; o++) {
                            gb[o] += delta[r][o];
                            for (int i = 0; i < in; i++) {
                                gw[i * out + o] += activations[l][r][i] * delta[r][o];
                                next[r][i] += delta[r][o] * used[0][i * out + o];
                            }
                        }
                    }
                    double[][] updated = {step(current[0], gw, velocity[l][0], n), step(current[1], gb, velocity[l][1], n)};
                    versions.get(l).add(updated);
                    delta = next;
                }
            }
            double[][][] last = new double[3][][];
            for (int l = 0; l < 3; l++) {
                last[l] = versions.get(l).get(STEPS);
            }
            return flat(last);
        }

        private static double[][] affine(double[][] a, double[][] wb, int in, int out) {
            double[][] z = new double[a.length][out];
            for (int r = 0; r < a.length; r++) {
                for (int o = 0; o < out; o++) {
                    double s = wb[1][o];
                    for (int i = 0; i < in; i++) {
                        s += a[r][i] * wb[0][i * out + o];
                    }
                    z[r][o] = s;
                }
            }
            return z;
        }

        /** Heavy-ball step on a copy: {@code v ← μ·v + g/n + λ·w;  w' = w − η·v}. */
        private static double[] step(double[] w, double[] g, double[] v, int n) {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = MOMENTUM * v[i] + g[i] / n + WEIGHT_DECAY * w[i];
                next[i] = w[i] - LR * v[i];
            }
            return next;
        }
    }
}
