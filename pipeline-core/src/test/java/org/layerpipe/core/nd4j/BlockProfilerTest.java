package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.plan.BlockCosts;
import org.nd4j.linalg.api.buffer.DataType;

/** What the profiler reports, not how fast anything is (timings are measured by the benchmark, not asserted here). */
class BlockProfilerTest {

    private static final ModelSpec MLP = Models.mlp(new Shape.Image(1, 4, 4), 3, 8);

    @Test
    void everyBlockHasAForwardABackwardAndAnUpdateTime() {
        BlockCosts c = BlockProfiler.costs(MLP, 4, DataType.FLOAT, 1);
        assertEquals(MLP.numBlocks(), c.numBlocks());
        for (int k = 0; k < c.numBlocks(); k++) {
            assertTrue(c.forward()[k] >= 0 && Double.isFinite(c.forward()[k]), "forward of block " + k);
            assertTrue(c.backward()[k] > 0 && Double.isFinite(c.backward()[k]), "backward of block " + k);
            assertTrue(c.update()[k] >= 0 && Double.isFinite(c.update()[k]), "update of block " + k);
        }
    }

    @Test
    void anUpdateIsTimedDoingItsWork() {
        // a million weights: a real SGD step moves ~12 MB (0.47 ms here), which would take 120 GB/s in 100 µs; at
        // learning rate 0 BLAS's axpy returns at once and the step took 21 µs
        ModelSpec wide = Models.mlp(new Shape.Image(1, 32, 32), 2, 1024);
        BlockCosts c = BlockProfiler.costs(wide, 2, DataType.FLOAT, 1);
        assertTrue(c.update()[1] > 100e-6, "update of 1024 × 1024 weights took " + c.update()[1] + " s");
    }

    @Test
    void onlyTheHeadUpToTheFirstWeightsIsTimedAsAFirstStage() {
        BlockCosts c = BlockProfiler.costs(MLP, 4, DataType.FLOAT, 1);
        List<Integer> head = List.of(0, 1); // flatten, then the first dense layer
        for (int k = 0; k < c.numBlocks(); k++) {
            if (head.contains(k)) {
                assertTrue(c.backwardAtStart()[k] >= 0 && Double.isFinite(c.backwardAtStart()[k]), "block " + k + " timed at the head");
            } else {
                assertEquals(c.backward()[k], c.backwardAtStart()[k], "block " + k + " is never at the head");
            }
        }
    }

    @Test
    void theBalancingProfileIsForwardPlusBackwardPerMinibatch() {
        double[] profile = BlockProfiler.profile(MLP, 4, DataType.FLOAT, 1);
        assertEquals(MLP.numBlocks(), profile.length);
        for (double p : profile) {
            assertTrue(p > 0 && p < 1, "seconds per minibatch of a tiny block: " + p);
        }
    }
}
