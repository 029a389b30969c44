package org.layerpipe.core.partition;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DelayTableTest {

    @Test
    void rendersOneAlignedRowPerBlock() {
        String table = DelayTable.render(Partition.of(2, 1, 1),
                List.of("dense(256)", "dense(128)", "dense(64)", "softmax(10)"), new int[] {4, 2, 0});
        assertEquals("""
                block         | stage | S | delay
                0 dense(256)  | 0     | 2 | 4
                1 dense(128)  | 0     | 2 | 4
                2 dense(64)   | 1     | 1 | 2
                3 softmax(10) | 2     | 0 | 0
                """, table);
    }

    @Test
    void otherSchedulesShowTheirOwnDelays() {
        List<String> names = List.of("a", "b", "c");
        assertEquals("""
                block | stage | S | delay
                0 a   | 0     | 1 | 0
                1 b   | 0     | 1 | 0
                2 c   | 1     | 0 | 0
                """, DelayTable.render(Partition.of(2, 1), names, new int[] {0, 0}), "sequential: nothing is stale");
        assertEquals("""
                block | stage | S | delay
                0 a   | 0     | 1 | 1
                1 b   | 0     | 1 | 1
                2 c   | 1     | 0 | 0
                """, DelayTable.render(Partition.of(2, 1), names, new int[] {1, 0}), "1F1B: S");
        assertEquals("partition [2,1] has 2 stages but got 1 delay: pass one delay per stage",
                assertThrows(PartitionException.class, () -> DelayTable.render(Partition.of(2, 1), names, new int[] {0})).getMessage());
    }

    @Test
    void defaultNamesAreBlockIndices() {
        assertEquals("""
                block     | stage | S | delay
                0 block 0 | 0     | 1 | 2
                1 block 1 | 1     | 0 | 0
                """, DelayTable.render(Partition.of(1, 1), new int[] {2, 0}));
    }

    @Test
    void firstStageOfSixHasDelayTen() {
        String table = DelayTable.render(Partition.of(1, 1, 1, 1, 1, 1), new int[] {10, 8, 6, 4, 2, 0});
        assertEquals("0 block 0 | 0     | 5 | 10", table.lines().skip(1).findFirst().orElseThrow());
        assertEquals("5 block 5 | 5     | 0 | 0", table.lines().skip(6).findFirst().orElseThrow());
    }

    @Test
    void rejectsWrongNumberOfNames() {
        assertEquals("partition [2,1] has 3 blocks but got 1 block name: pass one name per block",
                assertThrows(PartitionException.class,
                        () -> DelayTable.render(Partition.of(2, 1), List.of("a"), new int[] {2, 0})).getMessage());
        assertEquals("partition [2,1] has 3 blocks but got no block names: pass one name per block",
                assertThrows(PartitionException.class, () -> DelayTable.render(Partition.of(2, 1), null, new int[] {2, 0})).getMessage());
    }
}
