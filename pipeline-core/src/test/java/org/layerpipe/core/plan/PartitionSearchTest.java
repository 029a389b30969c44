package org.layerpipe.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

class PartitionSearchTest {

    /** dense 8, dense 4096, dense 8, dense 10, loss: five blocks of equal cost. */
    private static final ModelSpec MODEL = new ModelSpec("t", new Shape.Flat(16), List.of(new Block.Dense(8, Activation.RELU),
            new Block.Dense(4096, Activation.RELU), new Block.Dense(8, Activation.RELU), new Block.Dense(10, Activation.IDENTITY),
            new Block.SoftmaxLoss()));
    private static final BlockCosts COSTS = new BlockCosts(new double[] {1e-6, 1e-6, 1e-6, 1e-6, 1e-6},
            new double[] {2e-6, 2e-6, 2e-6, 2e-6, 2e-6});

    @Test
    void deepAsynchronousPipelinesAreSimulatedLongEnoughForTheirSteadyState() {
        for (ScheduleKind kind : List.of(ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B)) {
            for (int p : new int[] {4, 6, 8, 16}) {
                int n = PartitionSearch.minibatches(kind, p);
                Simulation sim = Simulator.run(Schedule.generate(kind, p, n, 1), deepCosts(p), Link.NONE);
                assertEquals(6, sim.secondsPerMinibatch(), 1e-9, kind + " on " + p + " stages over " + n + " minibatches");
            }
            // twelve minibatches, as for every schedule before: the window reaches into the drain and reads too fast
            Simulation shortRun = Simulator.run(Schedule.generate(kind, 16, 12, 1), deepCosts(16), Link.NONE);
            assertTrue(shortRun.secondsPerMinibatch() < 5, kind + ": " + shortRun.secondsPerMinibatch());
        }
        assertEquals(12, PartitionSearch.minibatches(ScheduleKind.GPIPE, 16), "a flushing schedule is steady from its second minibatch");
    }

    /** p stages: F = 1, B = 2, but the middle one (F = 2, B = 4: the bottleneck, F + B = 6) and a light last one. */
    private static StageCosts deepCosts(int p) {
        double[] f = new double[p];
        double[] b = new double[p];
        Arrays.fill(f, 1);
        Arrays.fill(b, 2);
        f[p / 2] = 2;
        b[p / 2] = 4;
        f[p - 1] = 0.2;
        b[p - 1] = 0.5;
        return new StageCosts(f, b, new double[p], new long[p], new long[p], new long[p]);
    }

    @Test
    void withFreeLinksTheBalancedSplitIsKept() {
        PartitionSearch.Plan plan = PartitionSearch.best(MODEL, ScheduleKind.LAYERPIPE2, 2, 1, 32, COSTS, Link.NONE);
        assertEquals(Partition.of(2, 3), plan.partition(), "balanced, earliest stage smallest");
    }

    @Test
    void aSlowLinkMovesTheCutAwayFromTheWideActivation() {
        Link slow = Link.gbps(1, 10); // 1 Gbit/s: 32 × 4096 floats take ~4 ms, a stage computes ~0.3 ms
        PartitionSearch.Plan balanced = PartitionSearch.evaluate(MODEL, Partition.of(2, 3), ScheduleKind.LAYERPIPE2, 1, 32, COSTS, slow);
        PartitionSearch.Plan plan = PartitionSearch.best(MODEL, ScheduleKind.LAYERPIPE2, 2, 1, 32, COSTS, slow);
        assertEquals(Partition.of(3, 2), plan.partition());
        assertTrue(plan.simulation().secondsPerMinibatch() < balanced.simulation().secondsPerMinibatch() / 2,
                plan.simulation().secondsPerMinibatch() + " vs balanced " + balanced.simulation().secondsPerMinibatch());
    }

    @Test
    void neighboursMoveOneBoundaryByOneBlock() {
        assertEquals(List.of(Partition.of(1, 3, 2), Partition.of(3, 1, 2), Partition.of(2, 1, 3), Partition.of(2, 3, 1)),
                PartitionSearch.neighbours(Partition.of(2, 2, 2)));
    }
}
