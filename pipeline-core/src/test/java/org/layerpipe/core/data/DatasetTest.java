package org.layerpipe.core.data;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetTest {

    private static final Shape.Image SHAPE = new Shape.Image(1, 1, 2);

    /** Four examples of two values; example i holds {@code 10i, 10i+1}. */
    private static Dataset four() {
        return new Dataset("d", SHAPE, 3, new float[] {0, 1, 10, 11, 20, 21, 30, 31}, new int[] {0, 1, 2, 0});
    }

    @Test
    void sizeAndExampleLength() {
        assertEquals(4, four().size());
        assertEquals(2, four().exampleLength());
        assertEquals("d: 4 examples of [1x1x2], 3 classes", four().toString());
    }

    @Test
    void firstTakesAPrefixAndZeroOrMoreMeansAll() {
        Dataset d = four();
        assertSame(d, d.first(0));
        assertSame(d, d.first(4));
        assertSame(d, d.first(99));
        Dataset two = d.first(2);
        assertArrayEquals(new float[] {0, 1, 10, 11}, two.features());
        assertArrayEquals(new int[] {0, 1}, two.labels());
        assertEquals("cannot take the first -1 examples of 'd': use n >= 0 (0 = all)",
                assertThrows(DataException.class, () -> d.first(-1)).getMessage());
    }

    @Test
    void rangeCopiesTheExamples() {
        Dataset mid = four().range(1, 3);
        assertArrayEquals(new float[] {10, 11, 20, 21}, mid.features());
        assertArrayEquals(new int[] {1, 2}, mid.labels());
        assertEquals("example range 3..3 of 'd' is not a non-empty range within 0..4",
                assertThrows(DataException.class, () -> four().range(3, 3)).getMessage());
    }

    @Test
    void copyExampleWritesAtTheOffset() {
        float[] dst = new float[5];
        four().copyExample(2, dst, 3);
        assertArrayEquals(new float[] {0, 0, 0, 20, 21}, dst);
        assertThrows(IndexOutOfBoundsException.class, () -> four().copyExample(4, dst, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> four().copyExample(0, dst, 4));
    }

    @Test
    void equalityComparesContents() {
        assertEquals(four(), four());
        assertEquals(four().hashCode(), four().hashCode());
        assertNotEquals(four(), four().first(3));
        Dataset other = new Dataset("d", SHAPE, 3, new float[] {0, 1, 10, 11, 20, 21, 30, 32}, new int[] {0, 1, 2, 0});
        assertNotEquals(four(), other);
    }

    @Test
    void invalidSetsAreRejectedWithTheFix() {
        assertEquals("data set 'd' has 3 feature values for 2 examples of [1x1x2], expected 4: pass one example after another, NCHW",
                assertThrows(DataException.class,
                        () -> new Dataset("d", SHAPE, 3, new float[3], new int[2])).getMessage());
        assertEquals("data set 'd': label 3 at index 1 is outside 0..2",
                assertThrows(DataException.class,
                        () -> new Dataset("d", SHAPE, 3, new float[4], new int[] {0, 3})).getMessage());
        assertEquals("data set 'd' has no examples: it needs at least one",
                assertThrows(DataException.class,
                        () -> new Dataset("d", SHAPE, 3, new float[0], new int[0])).getMessage());
        assertEquals("data set 'd' has numClasses 0: it needs at least 1 class",
                assertThrows(DataException.class,
                        () -> new Dataset("d", SHAPE, 0, new float[2], new int[1])).getMessage());
    }

    @Test
    void trainAndTestMustMatch() {
        Dataset other = new Dataset("e", new Shape.Image(2, 1, 1), 3, new float[2], new int[1]);
        assertEquals("train set 'd' ([1x1x2], 3 classes) and test set 'e' ([2x1x1], 3 classes) do not match:"
                        + " use the two halves of one data set",
                assertThrows(DataException.class, () -> new TrainTest(four(), other)).getMessage());
        assertEquals(4, new TrainTest(four(), four().first(1)).train().size());
    }
}
