package org.layerpipe.core.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.layerpipe.core.partition.PartitionException.count;

/**
 * Splits blocks with known costs into contiguous stages so that the slowest stage is as
 * fast as possible: in a pipeline every stage advances once per tick, so the tick lasts as
 * long as the most expensive stage.
 *
 * <p>The split is exact (dynamic programming over all contiguous splits, {@code O(M·L²)}).
 * <b>Tie-break:</b> among all optimal splits it returns the one whose stage sizes are
 * lexicographically smallest, i.e. it keeps the earliest stages as small as possible.
 * Earlier stages have more stages after them, so they hold more minibatches in flight
 * ({@code 2S+1} stashed activations under LayerPipe2) and the oldest weights
 * ({@code Delay = 2S}); putting fewer blocks there saves memory and staleness at no cost
 * in speed.
 */
public final class BalancedPartitioner {

    private BalancedPartitioner() {
    }

    /**
     * The optimal split of {@code blockCosts.length} blocks into exactly {@code stages}
     * non-empty stages.
     *
     * @param blockCosts cost of each block, finite and {@code >= 0}
     * @param stages     M, between 1 and the number of blocks
     * @throws PartitionException for missing or bad costs, or an impossible stage count
     */
    public static Partition partition(double[] blockCosts, int stages) {
        checkCosts(blockCosts);
        int blocks = blockCosts.length;
        if (stages < 1) {
            throw new PartitionException("cannot split " + count(blocks, "block") + " into "
                    + count(stages, "stage") + ": use at least 1 stage");
        }
        if (stages > blocks) {
            throw new PartitionException("cannot split " + count(blocks, "block") + " into "
                    + count(stages, "stage") + ": use at most " + count(blocks, "stage"));
        }

        // best[k][a] = smallest possible slowest-stage cost when blocks a..L-1 form k stages.
        // Splits that leave fewer blocks than stages are impossible: infinitely slow.
        double[][] best = new double[stages + 1][blocks + 1];
        for (double[] row : best) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        for (int a = 0; a < blocks; a++) {
            best[1][a] = stageCost(blockCosts, a, blocks);
        }
        for (int k = 2; k <= stages; k++) {
            for (int a = 0; a + k <= blocks; a++) {
                double min = Double.POSITIVE_INFINITY;
                double first = 0;
                for (int b = a + 1; b + (k - 1) <= blocks; b++) {
                    // Summed left to right, block by block, exactly as stageCost and
                    // slowestStage do, so that equal splits compare equal.
                    first += blockCosts[b - 1];
                    min = Math.min(min, Math.max(first, best[k - 1][b]));
                }
                best[k][a] = min;
            }
        }

        // Walk from the front, giving each stage the fewest blocks that still allow an
        // optimal rest: that yields the lexicographically smallest optimal sizes.
        double optimum = best[stages][0];
        List<Integer> sizes = new ArrayList<>(stages);
        int start = 0;
        for (int k = stages; k > 1; k--) {
            double first = 0;
            int end = start + 1;
            while (true) {
                first += blockCosts[end - 1];
                if (first <= optimum && best[k - 1][end] <= optimum) {
                    break;
                }
                end++;
            }
            sizes.add(end - start);
            start = end;
        }
        sizes.add(blocks - start);
        return new Partition(sizes);
    }

    /**
     * The cost of the most expensive stage of {@code partition}: the length of a pipeline
     * tick when every stage takes its cost.
     *
     * @throws PartitionException when the costs do not match the partition's blocks
     */
    public static double slowestStage(Partition partition, double[] blockCosts) {
        checkCosts(blockCosts);
        if (blockCosts.length != partition.numBlocks()) {
            throw new PartitionException("partition " + partition + " covers "
                    + count(partition.numBlocks(), "block") + " but got " + count(blockCosts.length, "block cost")
                    + ": pass one cost per block");
        }
        double slowest = 0;
        for (int stage = 0; stage < partition.numStages(); stage++) {
            slowest = Math.max(slowest,
                    stageCost(blockCosts, partition.firstBlock(stage), partition.endBlock(stage)));
        }
        return slowest;
    }

    private static double stageCost(double[] blockCosts, int from, int to) {
        double sum = 0;
        for (int block = from; block < to; block++) {
            sum += blockCosts[block];
        }
        return sum;
    }

    private static void checkCosts(double[] blockCosts) {
        if (blockCosts == null) {
            throw new PartitionException("block costs are missing (null): pass one cost per block");
        }
        if (blockCosts.length == 0) {
            throw new PartitionException("there are no block costs: pass one cost per block, for at least 1 block");
        }
        for (int block = 0; block < blockCosts.length; block++) {
            double cost = blockCosts[block];
            if (!Double.isFinite(cost) || cost < 0) {
                throw new PartitionException("block " + block + " has cost " + cost
                        + ": block costs must be finite and >= 0");
            }
        }
    }
}
