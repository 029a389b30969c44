package org.layerpipe.core.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.layerpipe.core.partition.PartitionException.count;

/**
 * A partition as a user writes it, before it meets a model: either explicit stage sizes
 * ({@code "3,2,2,1"} or {@code "[3,2,2,1]"}) or a number of cost-balanced stages
 * ({@code "balanced:4"}). {@link #resolve} checks it against the model and yields a
 * {@link Partition}; {@code toString()} gives back the canonical text, which {@link #parse}
 * reads again.
 */
public sealed interface PartitionSpec permits PartitionSpec.Explicit, PartitionSpec.Balanced {

    /**
     * Reads {@code "3,2,2,1"}, {@code "[3,2,2,1]"}, {@code " [ 3, 2 ] "} or
     * {@code "balanced:4"} ("balanced" in any case).
     *
     * @throws PartitionException quoting the text and the accepted forms when it is neither
     */
    static PartitionSpec parse(String text) {
        String accepted = "use stage sizes like \"3,2,2,1\" or \"[3,2,2,1]\", or \"balanced:M\" for M cost-balanced stages";
        if (text == null) {
            throw new PartitionException("partition is missing (null): " + accepted);
        }
        // Negative numbers are matched on purpose: "-1" then fails as "stage 0 ... has size -1",
        // a clearer message than "cannot parse".
        Pattern explicitForm = Pattern.compile("\\[?\\s*(-?\\d+(?:\\s*,\\s*-?\\d+)*)\\s*]?");
        Pattern balancedForm = Pattern.compile("(?i)balanced\\s*:\\s*(-?\\d+)");
        String trimmed = text.trim();
        try {
            Matcher balanced = balancedForm.matcher(trimmed);
            if (balanced.matches()) {
                return new Balanced(Integer.parseInt(balanced.group(1)));
            }
            Matcher explicit = explicitForm.matcher(trimmed);
            // Brackets come in pairs or not at all.
            if (explicit.matches() && trimmed.startsWith("[") == trimmed.endsWith("]")) {
                List<Integer> sizes = new ArrayList<>();
                for (String size : explicit.group(1).split(",")) {
                    sizes.add(Integer.parseInt(size.trim()));
                }
                return new Explicit(sizes);
            }
        } catch (NumberFormatException tooLarge) {
            // Falls through to the message below: a number beyond int range is not a stage size.
        }
        throw new PartitionException("cannot parse partition \"" + text + "\": " + accepted);
    }

    /**
     * This spec as a partition of a model with {@code numBlocks} blocks.
     *
     * @param numBlocks  L, the number of blocks of the model (legal cut points lie between them)
     * @param blockCosts cost of each block (e.g. FLOPs or measured time); needed only by
     *                   {@link Balanced}, may be null for {@link Explicit}
     * @throws PartitionException when the spec does not fit the model
     */
    Partition resolve(int numBlocks, double[] blockCosts);

    /** M, the number of stages, known before the spec meets a model. */
    int numStages();

    /** Explicit stage sizes, first stage first, e.g. {@code [3,2,2,1]}. */
    record Explicit(List<Integer> sizes) implements PartitionSpec {

        public Explicit {
            // Partition's checks give the same messages everywhere a size is wrong.
            sizes = new Partition(sizes).stageSizes();
        }

        @Override
        public Partition resolve(int numBlocks, double[] blockCosts) {
            Partition partition = new Partition(sizes);
            checkFits(numBlocks, partition.numStages());
            if (partition.numBlocks() != numBlocks) {
                throw new PartitionException("partition " + partition + " covers "
                        + count(partition.numBlocks(), "block") + " but the model has " + numBlocks
                        + ": stage sizes must sum to " + numBlocks);
            }
            return partition;
        }

        @Override
        public String toString() {
            return new Partition(sizes).toString();
        }

        @Override
        public int numStages() {
            return sizes.size();
        }
    }

    /**
     * {@code stages} contiguous stages chosen by {@link BalancedPartitioner} so that the
     * slowest stage is as fast as possible.
     */
    record Balanced(int stages) implements PartitionSpec {

        public Balanced {
            if (stages < 1) {
                throw new PartitionException("balanced partition needs at least 1 stage but got "
                        + stages + ": use balanced:M with M >= 1");
            }
        }

        @Override
        public Partition resolve(int numBlocks, double[] blockCosts) {
            checkFits(numBlocks, stages);
            if (blockCosts == null) {
                throw new PartitionException(this + " needs one cost per block but got no costs: pass "
                        + count(numBlocks, "block cost"));
            }
            if (blockCosts.length != numBlocks) {
                throw new PartitionException(this + " needs " + count(numBlocks, "block cost")
                        + " (one per block) but got " + blockCosts.length + ": pass one cost per block");
            }
            return BalancedPartitioner.partition(blockCosts, stages);
        }

        @Override
        public String toString() {
            return "balanced:" + stages;
        }

        @Override
        public int numStages() {
            return stages;
        }
    }

    private static void checkFits(int numBlocks, int stages) {
        if (numBlocks < 1) {
            throw new PartitionException("the model has " + count(numBlocks, "block")
                    + ": a partition needs a model with at least 1 block");
        }
        if (stages > numBlocks) {
            throw new PartitionException("cannot split " + count(numBlocks, "block") + " into "
                    + count(stages, "stage") + ": use at most " + count(numBlocks, "stage"));
        }
    }
}
