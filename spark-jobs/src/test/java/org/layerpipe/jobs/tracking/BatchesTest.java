package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {

    @Test
    void splitsByCountAndBytesKeepingOrder() {
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), Batches.split(items, 4, 1_000, i -> 1, "x"));
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9)), Batches.split(items, 100, 30, i -> 10, "x"));
        assertEquals(List.of(), Batches.split(List.<Integer>of(), 4, 10, i -> 1, "x"));
    }

    @Test
    void anEntryLargerThanARequestIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Batches.split(List.of(1), 4, 10, i -> 11, "tag"));
        assertTrue(e.getMessage().startsWith("tag entry of 11 bytes is larger than the 10 bytes"), e.getMessage());
    }
}
