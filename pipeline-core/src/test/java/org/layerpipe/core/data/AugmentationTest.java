package org.layerpipe.core.data;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AugmentationTest {

    private static final Shape.Image ONE_4X4 = new Shape.Image(1, 4, 4);

    /** A 4x4 image reading 1..16 row by row. */
    private static final float[] IMAGE = {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            13, 14, 15, 16};

    private static float[] cropFlip(float[] src, Shape.Image shape, int dy, int dx, boolean flip) {
        float[] dst = new float[src.length];
        Augmentation.cropFlip(src, 0, dst, 0, shape, dy, dx, flip);
        return dst;
    }

    @Test
    void centreCropWithoutFlipIsTheImage() {
        assertArrayEquals(IMAGE, cropFlip(IMAGE, ONE_4X4, 4, 4, false));
    }

    @Test
    void flipMirrorsEachRow() {
        assertArrayEquals(new float[] {
                4, 3, 2, 1,
                8, 7, 6, 5,
                12, 11, 10, 9,
                16, 15, 14, 13}, cropFlip(IMAGE, ONE_4X4, 4, 4, true));
    }

    @Test
    void cropShiftsAndFillsWithZeros() {
        // Window one row lower and one column left in the padded image: the content moves up and right.
        assertArrayEquals(new float[] {
                0, 5, 6, 7,
                0, 9, 10, 11,
                0, 13, 14, 15,
                0, 0, 0, 0}, cropFlip(IMAGE, ONE_4X4, 5, 3, false));
        // Two rows down, then flipped: rows 2..3 mirrored, padding below.
        assertArrayEquals(new float[] {
                12, 11, 10, 9,
                16, 15, 14, 13,
                0, 0, 0, 0,
                0, 0, 0, 0}, cropFlip(IMAGE, ONE_4X4, 6, 4, true));
        // Crop then flip: the window moves right by 2 (columns 2..5 of the image), and is then mirrored.
        assertArrayEquals(new float[] {
                0, 0, 4, 3,
                0, 0, 8, 7,
                0, 0, 12, 11,
                0, 0, 16, 15}, cropFlip(IMAGE, ONE_4X4, 4, 6, true));
        // A corner of the padded image holds no pixel of a 4x4 image at all.
        assertArrayEquals(new float[16], cropFlip(IMAGE, ONE_4X4, 0, 0, false));
    }

    @Test
    void everyChannelGetsTheSameCrop() {
        float[] two = new float[32];
        for (int i = 0; i < 16; i++) {
            two[i] = IMAGE[i];
            two[16 + i] = -IMAGE[i];
        }
        float[] out = cropFlip(two, new Shape.Image(2, 4, 4), 5, 3, false);
        for (int i = 0; i < 16; i++) {
            assertEquals(0f, out[i] + out[16 + i], "pixel " + i);
        }
        assertEquals(5f, out[1]);
    }

    @Test
    void offsetsOutsideThePaddingAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> cropFlip(IMAGE, ONE_4X4, 9, 0, false));
        assertThrows(IllegalArgumentException.class, () -> cropFlip(IMAGE, ONE_4X4, 0, -1, false));
    }
}
