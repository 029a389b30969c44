package org.layerpipe.core.partition;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BalancedPartitionerTest {

    /** Every split of {@code blocks} into {@code stages} non-empty parts, in lexicographic order of sizes. */
    private static List<Partition> allSplits(int blocks, int stages) {
        List<Partition> out = new ArrayList<>();
        collect(blocks, stages, new ArrayList<>(), out);
        return out;
    }

    private static void collect(int blocksLeft, int stagesLeft, List<Integer> prefix, List<Partition> out) {
        if (stagesLeft == 1) {
            List<Integer> sizes = new ArrayList<>(prefix);
            sizes.add(blocksLeft);
            out.add(new Partition(sizes));
            return;
        }
        for (int size = 1; size <= blocksLeft - (stagesLeft - 1); size++) {
            prefix.add(size);
            collect(blocksLeft - size, stagesLeft - 1, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    /** The first split, in lexicographic order, whose slowest stage is the smallest. */
    private static Partition bruteForce(double[] costs, int stages) {
        Partition best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (Partition candidate : allSplits(costs.length, stages)) {
            double cost = BalancedPartitioner.slowestStage(candidate, costs);
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return best;
    }

    @Test
    void equalsBruteForceOnRandomCosts() {
        Random random = new Random(20251208);
        int cases = 0;
        for (int trial = 0; trial < 300; trial++) {
            int blocks = 1 + random.nextInt(9);
            double[] costs = new double[blocks];
            // Half the trials use small integers, which make many optimal splits tie.
            boolean integers = trial % 2 == 0;
            for (int b = 0; b < blocks; b++) {
                costs[b] = integers ? random.nextInt(4) : random.nextDouble() * 10;
            }
            for (int stages = 1; stages <= blocks; stages++) {
                Partition expected = bruteForce(costs, stages);
                Partition actual = BalancedPartitioner.partition(costs, stages);
                assertEquals(expected, actual, () -> java.util.Arrays.toString(costs));
                assertEquals(BalancedPartitioner.slowestStage(expected, costs),
                        BalancedPartitioner.slowestStage(actual, costs));
                cases++;
            }
        }
        assertEquals(true, cases > 1000, "cases checked: " + cases);
    }

    @Test
    void tieBreakKeepsEarlyStagesSmall() {
        // [1,2] and [2,1] both have a slowest stage of 1.
        assertEquals(Partition.of(1, 2), BalancedPartitioner.partition(new double[] {1, 0, 1}, 2));
        // [1,3], [2,2] and [3,1] all have a slowest stage of 1.
        assertEquals(Partition.of(1, 3), BalancedPartitioner.partition(new double[] {1, 0, 0, 1}, 2));
        // With no cost at all every split is optimal: the last stage takes the rest.
        assertEquals(Partition.of(1, 1, 3), BalancedPartitioner.partition(new double[] {0, 0, 0, 0, 0}, 3));
    }

    @Test
    void balancesUnevenCosts() {
        assertEquals(Partition.of(2, 2), BalancedPartitioner.partition(new double[] {1, 1, 1, 1}, 2));
        assertEquals(Partition.of(1, 4), BalancedPartitioner.partition(new double[] {4, 1, 1, 1, 1}, 2));
        assertEquals(Partition.of(4, 1), BalancedPartitioner.partition(new double[] {1, 1, 1, 1, 4}, 2));
        assertEquals(Partition.of(1, 1, 1), BalancedPartitioner.partition(new double[] {5, 1, 9}, 3));
        assertEquals(Partition.of(6), BalancedPartitioner.partition(new double[] {1, 2, 3, 4, 5, 6}, 1));
    }

    @Test
    void slowestStageIsTheLargestStageSum() {
        double[] costs = {1, 2, 3, 4, 5};
        assertEquals(9.0, BalancedPartitioner.slowestStage(Partition.of(2, 1, 2), costs));
        assertEquals(15.0, BalancedPartitioner.slowestStage(Partition.of(5), costs));
        assertEquals(5.0, BalancedPartitioner.slowestStage(Partition.of(1, 1, 1, 1, 1), costs));
    }

    @Test
    void rejectsBadInputWithClearMessages() {
        assertMessage("block costs are missing (null): pass one cost per block",
                () -> BalancedPartitioner.partition(null, 1));
        assertMessage("there are no block costs: pass one cost per block, for at least 1 block",
                () -> BalancedPartitioner.partition(new double[0], 1));
        assertMessage("cannot split 2 blocks into 0 stages: use at least 1 stage",
                () -> BalancedPartitioner.partition(new double[] {1, 2}, 0));
        assertMessage("cannot split 2 blocks into 3 stages: use at most 2 stages",
                () -> BalancedPartitioner.partition(new double[] {1, 2}, 3));
        assertMessage("block 1 has cost -1.0: block costs must be finite and >= 0",
                () -> BalancedPartitioner.partition(new double[] {1, -1}, 1));
        assertMessage("partition [3,2] covers 5 blocks but got 4 block costs: pass one cost per block",
                () -> BalancedPartitioner.slowestStage(Partition.of(3, 2), new double[] {1, 1, 1, 1}));
        assertMessage("block 0 has cost NaN: block costs must be finite and >= 0",
                () -> BalancedPartitioner.slowestStage(Partition.of(1), new double[] {Double.NaN}));
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(PartitionException.class, action::run).getMessage());
    }
}
