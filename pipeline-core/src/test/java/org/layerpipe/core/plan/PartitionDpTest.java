package org.layerpipe.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

/** The partition search against every contiguous partition of small random models. */
class PartitionDpTest {

    private static final int BATCH = 32;

    /** A random model, its costs, a link and the setup the search is asked for. */
    private record Instance(ModelSpec model, BlockCosts costs, Link link, int devices, int stages, int microbatches) {
    }

    /**
     * Up to 10 blocks (dense layers of random widths, so random output bytes and update costs, and
     * activations without weights, so stages whose backward has no weight-gradient part), random
     * forward and backward seconds per block, a finite link, 2 to 4 stages.
     */
    private static Instance instance(ScheduleKind kind, Random random) {
        int n = 4 + random.nextInt(7);
        List<Block> blocks = new ArrayList<>();
        for (int k = 0; k < n - 1; k++) {
            blocks.add(random.nextInt(4) == 0 ? new Block.Act(Activation.RELU) : new Block.Dense(8 + random.nextInt(200), Activation.RELU));
        }
        blocks.add(new Block.SoftmaxLoss());
        ModelSpec model = new ModelSpec("random", new Shape.Flat(8 + random.nextInt(200)), blocks);
        double[] f = new double[n];
        double[] b = new double[n];
        for (int k = 0; k < n; k++) {
            f[k] = (0.1 + 2 * random.nextDouble()) * 1e-6;
            b[k] = (0.1 + 4 * random.nextDouble()) * 1e-6;
        }
        Link link = new Link(random.nextDouble() * 2e-5, (1 + 9 * random.nextDouble()) * 1e8);
        boolean interleaved = kind == ScheduleKind.INTERLEAVED_1F1B;
        int devices = interleaved ? 1 + random.nextInt(2) : 2 + random.nextInt(3);
        int stages = interleaved ? devices * Schedule.INTERLEAVED_CHUNKS : devices;
        int microbatches = interleaved ? devices * (1 + random.nextInt(4)) : 1 << random.nextInt(4);
        return new Instance(model, new BlockCosts(f, b), link, devices, stages, microbatches);
    }

    /** Every split of {@code blocks} blocks into {@code stages} non-empty contiguous stages. */
    static List<Partition> all(int blocks, int stages) {
        List<Partition> out = new ArrayList<>();
        compose(blocks, stages, new ArrayList<>(), out);
        return out;
    }

    private static void compose(int left, int stages, List<Integer> sizes, List<Partition> out) {
        if (stages == 1) {
            sizes.add(left);
            out.add(new Partition(sizes));
            sizes.remove(sizes.size() - 1);
            return;
        }
        for (int size = 1; size <= left - (stages - 1); size++) {
            sizes.add(size);
            compose(left - size, stages - 1, sizes, out);
            sizes.remove(sizes.size() - 1);
        }
    }

    private static double simulated(Instance x, Partition p, ScheduleKind kind) {
        return PartitionSearch.evaluate(x.model(), p, kind, x.microbatches(), BATCH, x.costs(), x.link()).simulation().secondsPerMinibatch();
    }

    /**
     * Exact for the schedules whose time the closed form is (SEQUENTIAL, GPIPE; with the updates
     * these instances have): the DP's optimum is then the simulated one. For the others the closed
     * form is a model the simulation corrects — the simulator measures minibatches 3 to 9 of 12,
     * where LayerPipe2's deep stages already drain, and with unequal forwards and backwards the fixed
     * op orders of 1F1B, 1F1B-flush, ZB-H1 and interleaved 1F1B make stages wait for each other in
     * ways no per-stage sum or max captures — so the optimum can lie outside the closed form's best
     * 16 and the local searches stop short of it. For them a bound: at most 2 of 25 instances above
     * the optimum, none by more than 3 % (on 100 other instances: ZB-H1 and interleaved 1F1B one
     * miss each, by 1.4 % and 1.8 %, the others none).
     */
    @ParameterizedTest
    @EnumSource(ScheduleKind.class)
    void theSearchFindsTheExhaustiveOptimum(ScheduleKind kind) {
        boolean exact = kind == ScheduleKind.SEQUENTIAL || kind == ScheduleKind.GPIPE;
        Random random = new Random(11 + kind.ordinal());
        int misses = 0;
        double worst = 1;
        StringBuilder report = new StringBuilder();
        for (int trial = 0; trial < 25; trial++) {
            Instance x = instance(kind, random);
            double optimum = Double.POSITIVE_INFINITY;
            for (Partition p : all(x.model().numBlocks(), x.stages())) {
                optimum = Math.min(optimum, simulated(x, p, kind));
            }
            PartitionSearch.Plan plan = PartitionSearch.best(x.model(), kind, x.devices(), x.microbatches(), BATCH, x.costs(), x.link());
            double found = plan.simulation().secondsPerMinibatch();
            assertEquals(found, simulated(x, plan.partition(), kind), 0, "the plan's simulation is its partition's");
            assertTrue(found >= optimum, "nothing beats the exhaustive minimum");
            if (found > optimum * (1 + 1e-9)) {
                misses++;
                worst = Math.max(worst, found / optimum);
                report.append(String.format("%n trial %d: %s %.6g s vs optimum %.6g s (+%.2f%%)", trial, plan.partition(), found, optimum,
                        100 * (found / optimum - 1)));
            }
        }
        if (exact) {
            assertEquals(0, misses, kind + report.toString());
        } else {
            assertTrue(misses <= 2 && worst <= 1.03, kind + report.toString());
        }
    }

    /**
     * GPipe's closed form is the simulated time, forwards and backwards peaking on different stages
     * included, as long as no stage's update outlasts the backwards still to run before it (blocks
     * 100 times slower than the random instances' make the updates short).
     */
    @Test
    void gpipesClosedFormIsItsSimulatedTime() {
        Random random = new Random(5);
        for (int trial = 0; trial < 10; trial++) {
            Instance x = instance(ScheduleKind.GPIPE, random);
            double[] f = x.costs().forward();
            double[] b = x.costs().backward();
            for (int k = 0; k < b.length; k++) {
                f[k] *= 100;
                b[k] *= 100;
            }
            Instance slow = new Instance(x.model(), new BlockCosts(f, b), x.link(), x.devices(), x.stages(), x.microbatches());
            int m = x.microbatches();
            ClosedForm form = ClosedForm.of(x.model(), ScheduleKind.GPIPE, x.stages(), m, BATCH / m, slow.costs(), x.link());
            for (Partition p : all(x.model().numBlocks(), x.stages())) {
                double simulated = simulated(slow, p, ScheduleKind.GPIPE);
                assertEquals(simulated, form.time(p), 1e-9 * simulated, p + ", " + m + " microbatches");
            }
        }
    }

    /**
     * Six equal blocks on two devices under LayerPipe2, the outputs of blocks 1 to 3 wide on a
     * slow link: every cut but the outer ones waits for that link, so the balanced cut [3,3] and
     * both its neighbours are equally slow and the old search from the balanced split stops
     * there, while the DP's bottleneck (stage work or link occupancy) points at [1,5] or [5,1].
     */
    @Test
    void theDpLeavesALocalOptimumThatStopsTheSearchFromTheBalancedSplit() {
        ModelSpec model = new ModelSpec("wide middle", new Shape.Flat(16), List.of(new Block.Dense(8, Activation.RELU),
                new Block.Dense(1024, Activation.RELU), new Block.Act(Activation.RELU), new Block.Act(Activation.RELU),
                new Block.Dense(8, Activation.RELU), new Block.SoftmaxLoss()));
        double[] f = new double[6];
        double[] b = new double[6];
        Arrays.fill(f, 1e-5);
        Arrays.fill(b, 2e-5);
        BlockCosts costs = new BlockCosts(f, b);
        Link slow = Link.gbps(0.1, 10); // 32 × 1024 floats: 10.5 ms, against ~1 ms of work per block
        ScheduleKind kind = ScheduleKind.LAYERPIPE2;
        PartitionSearch.Plan balanced = PartitionSearch.evaluate(model, Partition.of(3, 3), kind, 1, BATCH, costs, slow);
        PartitionSearch.Plan stuck = PartitionSearch.localSearch(balanced, model, kind, 1, BATCH, costs, slow);
        PartitionSearch.Plan plan = PartitionSearch.best(model, kind, 2, 1, BATCH, costs, slow);
        assertEquals(Partition.of(3, 3), stuck.partition(), "no single move from the balanced split helps");
        double optimum = Double.POSITIVE_INFINITY;
        for (Partition p : all(6, 2)) {
            optimum = Math.min(optimum, PartitionSearch.evaluate(model, p, kind, 1, BATCH, costs, slow).simulation().secondsPerMinibatch());
        }
        assertEquals(optimum, plan.simulation().secondsPerMinibatch(), 1e-9 * optimum);
        assertTrue(List.of(Partition.of(1, 5), Partition.of(5, 1)).contains(plan.partition()), plan.partition().toString());
        assertTrue(plan.simulation().secondsPerMinibatch() < stuck.simulation().secondsPerMinibatch() / 2,
                plan.simulation().secondsPerMinibatch() + " s vs stuck " + stuck.simulation().secondsPerMinibatch() + " s");
    }
}
