package org.layerpipe.core.data;

import org.layerpipe.core.model.Shape;

import java.util.Arrays;
import java.util.Random;

/**
 * The standard CIFAR augmentation: pad the image by {@value #PAD} on every side, take a random
 * crop of the original size, then flip it horizontally with probability 0.5.
 *
 * <p>It runs on <em>normalised</em> examples and pads with 0 there, i.e. with the channel's
 * mean colour (as torchvision does when it pads a normalised tensor). Padding raw pixels with
 * black instead would put a value far from 0 into every shifted image after normalisation.
 */
final class Augmentation {

    /** Padding on each side; crop offsets range over {@code 0..2·PAD}. */
    static final int PAD = 4;

    private Augmentation() {
    }

    /**
     * Crops and flips one example from {@code src} into {@code dst} (different arrays, or
     * non-overlapping ranges): output pixel {@code (y, x)} is padded pixel
     * {@code (y + dy, x' + dx)} with {@code x' = flip ? width-1-x : x}, and padded pixel
     * {@code (r, c)} is source pixel {@code (r - PAD, c - PAD)} or 0 outside the image.
     *
     * @param dy vertical crop offset in the padded image, {@code 0..2·PAD} ({@code PAD} = no shift)
     * @param dx horizontal crop offset in the padded image, {@code 0..2·PAD}
     */
    static void cropFlip(float[] src, int srcOffset, float[] dst, int dstOffset, Shape.Image shape,
                         int dy, int dx, boolean flip) {
        if (dy < 0 || dy > 2 * PAD || dx < 0 || dx > 2 * PAD) {
            throw new IllegalArgumentException("crop offsets must lie in 0.." + 2 * PAD + ", got dy " + dy + ", dx " + dx);
        }
        int h = shape.height();
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy - PAD;
                int out = dstOffset + plane + y * w;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(dst, out, out + w, 0f);
                    continue;
                }
                int row = srcOffset + plane + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx - PAD;
                    dst[out + x] = sx < 0 || sx >= w ? 0f : src[row + sx];
                }
            }
        }
    }

    /**
     * Applies a random crop and flip, drawn from {@code seed}, to the example at
     * {@code offset} in place; {@code scratch} holds at least one example.
     */
    static void random(float[] examples, int offset, Shape.Image shape, long seed, float[] scratch) {
        Random rng = new Random(seed);
        int dy = rng.nextInt(2 * PAD + 1);
        int dx = rng.nextInt(2 * PAD + 1);
        boolean flip = rng.nextBoolean();
        int len = (int) shape.size();
        System.arraycopy(examples, offset, scratch, 0, len);
        cropFlip(scratch, 0, examples, offset, shape, dy, dx, flip);
    }
}
