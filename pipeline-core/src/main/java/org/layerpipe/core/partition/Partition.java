package org.layerpipe.core.partition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A split of the network's blocks, in order, into contiguous non-empty pipeline stages,
 * e.g. {@code [3,2,2,1]}: blocks 0-2 on stage 0, 3-4 on stage 1, 5-6 on stage 2, 7 on
 * stage 3. Blocks and stages are numbered from 0.
 *
 * <p>Carries {@code S(l)} of LayerPipe2 (arXiv 2512.08160): the number of stages after the
 * stage holding block {@code l}. Under LayerPipe2 the gradient reaching block {@code l} was
 * computed on weights {@code Delay(l) = 2·S(l)} updates old; every schedule's delays come from
 * {@code ScheduleKind.stageDelays(partition)}.
 *
 * @param stageSizes number of blocks in each stage, first stage first; each at least 1
 */
public record Partition(List<Integer> stageSizes) {

    public Partition {
        if (stageSizes == null) {
            throw new PartitionException(
                    "partition stage sizes are missing (null): give one block count per stage, e.g. [3,2,2,1]");
        }
        if (stageSizes.isEmpty()) {
            throw new PartitionException(
                    "partition has no stages: give at least one stage size, e.g. [3,2,2,1]");
        }
        // Copy first: List.copyOf would reject a null element with a bare NullPointerException.
        List<Integer> copy = new ArrayList<>(stageSizes);
        for (int stage = 0; stage < copy.size(); stage++) {
            Integer size = copy.get(stage);
            if (size == null) {
                throw new PartitionException("stage " + stage + " of partition " + text(copy)
                        + " has no size: give every stage a block count of at least 1");
            }
            if (size < 1) {
                throw new PartitionException("stage " + stage + " of partition " + text(copy)
                        + " has size " + size + ": every stage needs at least 1 block");
            }
        }
        stageSizes = Collections.unmodifiableList(copy);
    }

    /** The partition with these stage sizes, first stage first. */
    public static Partition of(int... sizes) {
        if (sizes == null) {
            return new Partition(null);
        }
        List<Integer> list = new ArrayList<>(sizes.length);
        for (int size : sizes) {
            list.add(size);
        }
        return new Partition(list);
    }

    /** M, the number of pipeline stages. */
    public int numStages() {
        return stageSizes.size();
    }

    /** L, the number of blocks over all stages. */
    public int numBlocks() {
        int sum = 0;
        for (int size : stageSizes) {
            sum += size;
        }
        return sum;
    }

    /** The stage holding {@code block}. */
    public int stageOf(int block) {
        checkBlock(block);
        int end = 0;
        for (int stage = 0; stage < stageSizes.size(); stage++) {
            end += stageSizes.get(stage);
            if (block < end) {
                return stage;
            }
        }
        throw new AssertionError("checkBlock admitted block " + block + " of " + this);
    }

    /** The first block of {@code stage}. */
    public int firstBlock(int stage) {
        checkStage(stage);
        int first = 0;
        for (int s = 0; s < stage; s++) {
            first += stageSizes.get(s);
        }
        return first;
    }

    /** One past the last block of {@code stage} (exclusive end). */
    public int endBlock(int stage) {
        return firstBlock(stage) + stageSizes.get(stage);
    }

    /** S(l): the number of stages after the stage holding {@code block}. */
    public int stagesAfter(int block) {
        return stageStagesAfter(stageOf(block));
    }

    /** S of every block in {@code stage}: {@code numStages − 1 − stage}. */
    public int stageStagesAfter(int stage) {
        checkStage(stage);
        return numStages() - 1 - stage;
    }

    /** The canonical text form, e.g. {@code [3,2,2,1]}; {@link PartitionSpec#parse} reads it back. */
    @Override
    public String toString() {
        return text(stageSizes);
    }

    private static String text(List<Integer> sizes) {
        return sizes.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    private void checkBlock(int block) {
        int blocks = numBlocks();
        if (block < 0 || block >= blocks) {
            throw new IndexOutOfBoundsException(
                    "block " + block + " is out of range [0, " + blocks + ") of partition " + this);
        }
    }

    private void checkStage(int stage) {
        if (stage < 0 || stage >= numStages()) {
            throw new IndexOutOfBoundsException(
                    "stage " + stage + " is out of range [0, " + numStages() + ") of partition " + this);
        }
    }
}
