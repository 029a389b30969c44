package org.layerpipe.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Activation;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;

class StageCostsTest {

    /** flatten, dense 4 (12 + 4 parameters), dense 2 (8 + 2), loss on a 1×1×3 image. */
    private static final ModelSpec MODEL = new ModelSpec("t", new Shape.Image(1, 1, 3), List.of(new Block.Flatten(),
            new Block.Dense(4, Activation.RELU), new Block.Dense(2, Activation.IDENTITY), new Block.SoftmaxLoss()));

    private static final BlockCosts MEASURED = new BlockCosts(
            new double[] {1, 2, 3, 4},
            new double[] {10, 20, 30, 40},
            new double[] {0, 12, 30, 40},
            new double[] {0, 0.5, 0.25, 0});

    @Test
    void theFirstStagesHeadSkipsItsInputGradientsAndUpdatesAreSummed() {
        StageCosts c = StageCosts.of(MODEL, Partition.of(2, 2), MEASURED, 2, 4);
        // the last stage runs its forward at its backward
        assertArrayEquals(new double[] {(1 + 2) * 2, 0}, c.forward(), 1e-12);
        // stage 0 = flatten + first dense: both at the head, so their backwardAtStart; stage 1 the full backward and its forward
        assertArrayEquals(new double[] {(0 + 12) * 2, (30 + 40 + 3 + 4) * 2}, c.backward(), 1e-12);
        // at the head the first dense computes its weight gradient only: all of its backward is the weight part
        assertArrayEquals(new double[] {12 * 2, 30 * 2 / 2.0}, c.weightGradient(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.25}, c.update(), 1e-12);
    }

    @Test
    void theHeadEndsAtTheFirstBlockWithWeightsEvenInALongerFirstStage() {
        StageCosts c = StageCosts.of(MODEL, Partition.of(3, 1), MEASURED, 1, 4);
        assertEquals(0 + 12 + 30, c.backward()[0], 1e-12);
        assertEquals(40 + 4, c.backward()[1], 1e-12);
    }

    @Test
    void withoutMeasuredUpdatesAStepCostsANanosecondPerParameter() {
        BlockCosts unknown = new BlockCosts(MEASURED.forward(), MEASURED.backward());
        StageCosts c = StageCosts.of(MODEL, Partition.of(2, 2), unknown, 2, 4);
        assertArrayEquals(new double[] {16e-9, 10e-9}, c.update(), 1e-18);
        assertArrayEquals(new double[] {(10 + 20) * 2, (30 + 40 + 3 + 4) * 2}, c.backward(), 1e-12, "one backward everywhere");
    }

    @Test
    void theLastStagesForwardRunsAtItsBackwardAndAddsNothingToItsWeightGradient() {
        StageCosts split = StageCosts.of(MODEL, Partition.of(2, 2), MEASURED, 1, 4);
        StageCosts whole = StageCosts.of(MODEL, Partition.of(4), MEASURED, 1, 4);
        assertEquals(0, split.forward()[1], 1e-12);
        assertEquals(0, whole.forward()[0], 1e-12, "a single stage is the last one too");
        assertEquals(1 + 2 + 3 + 4 + 0 + 12 + 30 + 40, whole.backward()[0], 1e-12);
        assertEquals(30 / 2.0, split.weightGradient()[1], 1e-12, "the weight part stays half the dense block's backward");
        assertEquals(split.backward()[1] - split.weightGradient()[1], split.inputGradient(1), 1e-12);
    }
}
