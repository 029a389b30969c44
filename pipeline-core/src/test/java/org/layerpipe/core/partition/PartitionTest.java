package org.layerpipe.core.partition;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionTest {

    private static int[] stagesAfter(Partition p) {
        return IntStream.range(0, p.numBlocks()).map(p::stagesAfter).toArray();
    }

    @Test
    void stagesAfterPerBlock() {
        Partition p = Partition.of(3, 2, 2, 1);
        assertEquals(List.of(3, 3, 3, 2, 2, 1, 1, 0), List.of(Arrays.stream(stagesAfter(p)).boxed().toArray()));

        assertEquals("[3, 2, 1, 0]", Arrays.toString(stagesAfter(Partition.of(1, 1, 1, 1))));
        assertEquals("[2, 2, 1, 0]", Arrays.toString(stagesAfter(Partition.of(2, 1, 1))));
        assertEquals("[1, 0, 0, 0]", Arrays.toString(stagesAfter(Partition.of(1, 3))));
    }

    @Test
    void stageArithmetic() {
        Partition p = Partition.of(3, 2, 2, 1);
        assertEquals(4, p.numStages());
        assertEquals(8, p.numBlocks());
        assertEquals("[0, 0, 0, 1, 1, 2, 2, 3]", Arrays.toString(IntStream.range(0, 8).map(p::stageOf).toArray()));
        assertEquals("[0, 3, 5, 7]", Arrays.toString(IntStream.range(0, 4).map(p::firstBlock).toArray()));
        assertEquals("[3, 5, 7, 8]", Arrays.toString(IntStream.range(0, 4).map(p::endBlock).toArray()));
        assertEquals("[3, 2, 1, 0]", Arrays.toString(IntStream.range(0, 4).map(p::stageStagesAfter).toArray()));
    }

    @Test
    void aSingleStageHasNoStagesAfterIt() {
        Partition p = Partition.of(5);
        assertEquals(0, p.stagesAfter(0));
        assertEquals(0, p.stagesAfter(4));
        assertEquals(0, p.stageStagesAfter(0));
    }

    @Test
    void toStringIsCanonicalText() {
        assertEquals("[3,2,2,1]", Partition.of(3, 2, 2, 1).toString());
        assertEquals("[7]", Partition.of(7).toString());
    }

    @Test
    void sizesAreCopiedAndUnmodifiable() {
        List<Integer> source = new ArrayList<>(List.of(2, 1));
        Partition p = new Partition(source);
        source.set(0, 9);
        assertEquals(List.of(2, 1), p.stageSizes());
        assertThrows(UnsupportedOperationException.class, () -> p.stageSizes().set(0, 5));
        assertEquals(Partition.of(2, 1), p);
    }

    @Test
    void rejectsBadSizesWithClearMessages() {
        assertMessage("partition stage sizes are missing (null): give one block count per stage, e.g. [3,2,2,1]",
                () -> new Partition(null));
        assertMessage("partition stage sizes are missing (null): give one block count per stage, e.g. [3,2,2,1]",
                () -> Partition.of((int[]) null));
        assertMessage("partition has no stages: give at least one stage size, e.g. [3,2,2,1]",
                () -> new Partition(List.of()));
        assertMessage("partition has no stages: give at least one stage size, e.g. [3,2,2,1]", Partition::of);
        assertMessage("stage 1 of partition [3,null] has no size: give every stage a block count of at least 1",
                () -> new Partition(Arrays.asList(3, null)));
        assertMessage("stage 2 of partition [3,2,0] has size 0: every stage needs at least 1 block",
                () -> Partition.of(3, 2, 0));
        assertMessage("stage 0 of partition [-1,4] has size -1: every stage needs at least 1 block",
                () -> Partition.of(-1, 4));
    }

    @Test
    void badIndicesNameTheIndexAndRange() {
        Partition p = Partition.of(3, 2, 2, 1);
        assertEquals("block 8 is out of range [0, 8) of partition [3,2,2,1]",
                assertThrows(IndexOutOfBoundsException.class, () -> p.stageOf(8)).getMessage());
        assertEquals("block -1 is out of range [0, 8) of partition [3,2,2,1]",
                assertThrows(IndexOutOfBoundsException.class, () -> p.stagesAfter(-1)).getMessage());
        assertEquals("stage 4 is out of range [0, 4) of partition [3,2,2,1]",
                assertThrows(IndexOutOfBoundsException.class, () -> p.firstBlock(4)).getMessage());
        assertEquals("stage -1 is out of range [0, 4) of partition [3,2,2,1]",
                assertThrows(IndexOutOfBoundsException.class, () -> p.stageStagesAfter(-1)).getMessage());
        assertEquals("stage 4 is out of range [0, 4) of partition [3,2,2,1]",
                assertThrows(IndexOutOfBoundsException.class, () -> p.endBlock(4)).getMessage());
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(PartitionException.class, action::run).getMessage());
    }
}
