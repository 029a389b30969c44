package org.layerpipe.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.ScheduleKind;

class PartitionSearchTest {

    /** dense 8, dense 4096, dense 8, dense 10, loss: five blocks of equal cost. */
    private static final ModelSpec MODEL = new ModelSpec("t", new Shape.Flat(16), List.of(new Block.Dense(8, Activation.RELU),
            new Block.Dense(4096, Activation.RELU), new Block.Dense(8, Activation.RELU), new Block.Dense(10, Activation.IDENTITY),
            new Block.SoftmaxLoss()));
    private static final BlockCosts COSTS = new BlockCosts(new double[] {1e-6, 1e-6, 1e-6, 1e-6, 1e-6},
            new double[] {2e-6, 2e-6, 2e-6, 2e-6, 2e-6});

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
