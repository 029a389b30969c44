package org.layerpipe.core.data;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.model.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesTest {

    /** Mean 0, std 1: a raw value x becomes x / 255, so raw 255·i reads back as i. */
    private static final Normalization SCALE_ONLY = new Normalization(new float[] {0f}, new float[] {1f});

    /** {@code n} examples of 1x2x2; every value of example i is 255·i and its label is i. */
    private static Dataset indexed(int n) {
        float[] f = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(f, i * 4, i * 4 + 4, 255f * i);
            labels[i] = i;
        }
        return new Dataset("indexed", new Shape.Image(1, 2, 2), n, f, labels);
    }

    /** The example indices of an epoch, in order, read back from the values (and checked against the labels). */
    private static List<Integer> order(List<Batch> batches) {
        List<Integer> order = new ArrayList<>();
        for (Batch b : batches) {
            for (int k = 0; k < b.size(); k++) {
                int fromValues = Math.round(b.features()[k * 4]);
                assertEquals(b.labels()[k], fromValues, "label and features of one example must travel together");
                order.add(fromValues);
            }
        }
        return order;
    }

    @Test
    void sameSeedAndEpochGiveIdenticalBatches() {
        Dataset data = indexed(103);
        List<Batch> a = Batches.epoch(data, SCALE_ONLY, 10, 42, 3, true, true);
        List<Batch> b = Batches.epoch(data, SCALE_ONLY, 10, 42, 3, true, true);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).features(), b.get(i).features());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
        }
        // Batches are built on access; asking again builds an equal batch.
        assertArrayEquals(a.get(4).features(), a.get(4).features());
    }

    @Test
    void differentEpochsAndSeedsShuffleDifferently() {
        Dataset data = indexed(103);
        List<Integer> e0 = order(Batches.epoch(data, SCALE_ONLY, 10, 42, 0, true, false));
        List<Integer> e1 = order(Batches.epoch(data, SCALE_ONLY, 10, 42, 1, true, false));
        List<Integer> otherSeed = order(Batches.epoch(data, SCALE_ONLY, 10, 43, 0, true, false));
        assertNotEquals(e0, e1);
        assertNotEquals(e0, otherSeed);
        List<Integer> identity = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            identity.add(i);
        }
        assertNotEquals(identity, e0);
    }

    @Test
    void trainingSeesEveryExampleAtMostOnceAndDropsTheIncompleteBatch() {
        Dataset data = indexed(103);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Batch> batches = Batches.epoch(data, SCALE_ONLY, 10, 7, epoch, true, false);
            assertEquals(10, batches.size());
            batches.forEach(b -> assertEquals(10, b.size()));
            List<Integer> order = order(batches);
            Set<Integer> distinct = new HashSet<>(order);
            assertEquals(100, order.size());
            assertEquals(100, distinct.size(), "an example appeared twice in epoch " + epoch);
            distinct.forEach(i -> assertTrue(i >= 0 && i < 103));
        }
        // With a whole number of batches, every example appears exactly once.
        List<Integer> all = order(Batches.epoch(indexed(100), SCALE_ONLY, 10, 7, 0, true, false));
        List<Integer> sorted = new ArrayList<>(all);
        sorted.sort(null);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted.get(i));
        }
    }

    @Test
    void evaluationKeepsTheOrderAndTheLastBatch() {
        List<Batch> batches = Batches.epoch(indexed(103), SCALE_ONLY, 10, 7, 5, false, false);
        assertEquals(11, batches.size());
        assertEquals(3, batches.get(10).size());
        List<Integer> order = order(batches);
        for (int i = 0; i < 103; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void batchesAreNormalised() {
        Dataset data = indexed(3);
        Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
        Batch b = Batches.epoch(data, norm, 3, 0, 0, false, false).get(0);
        // Raw 0, 255, 510 -> x/255 = 0, 1, 2 -> (x - 0.5) / 0.25 = -2, 2, 6.
        float[] expected = {-2, -2, -2, -2, 2, 2, 2, 2, 6, 6, 6, 6};
        assertArrayEquals(expected, b.features(), 1e-6f);
        assertArrayEquals(new int[] {0, 1, 2}, b.labels());
        // The data set itself is not changed by batching.
        assertEquals(255f, data.features()[4]);
    }

    @Test
    void augmentationIsASeededCropAndFlipOfTheNormalisedImage() {
        // 64 examples of 1x4x4 whose normalised values are all non-zero and distinct within an image.
        int n = 64;
        float[] f = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 16; p++) {
                f[i * 16 + p] = 255f * (1 + p + 16 * i);
            }
            labels[i] = i;
        }
        Shape.Image shape = new Shape.Image(1, 4, 4);
        Dataset data = new Dataset("img", shape, n, f, labels);

        List<Batch> plain = Batches.epoch(data, SCALE_ONLY, 8, 11, 2, true, false);
        List<Batch> augmented = Batches.epoch(data, SCALE_ONLY, 8, 11, 2, true, true);
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < plain.size(); b++) {
            // Augmentation does not change the order of examples.
            assertArrayEquals(plain.get(b).labels(), augmented.get(b).labels());
            for (int k = 0; k < 8; k++) {
                float[] source = Arrays.copyOfRange(plain.get(b).features(), k * 16, k * 16 + 16);
                float[] out = Arrays.copyOfRange(augmented.get(b).features(), k * 16, k * 16 + 16);
                String match = matchingCropFlip(source, out, shape);
                assertNotEquals(null, match, "example " + plain.get(b).labels()[k] + " is no crop+flip of its image");
                seen.add(match);
            }
        }
        // 64 draws from 81 offsets x 2 flips: both flip states and many offsets must occur.
        assertTrue(seen.stream().anyMatch(s -> s.endsWith("true")));
        assertTrue(seen.stream().anyMatch(s -> s.endsWith("false")));
        assertTrue(seen.size() > 20, "only " + seen.size() + " distinct crops in 64 examples");

        // Seeded per (seed, epoch, position): the same call repeats, another epoch differs.
        List<Batch> again = Batches.epoch(data, SCALE_ONLY, 8, 11, 2, true, true);
        assertArrayEquals(augmented.get(3).features(), again.get(3).features());
        List<Batch> evalA = Batches.epoch(data, SCALE_ONLY, 64, 11, 0, false, true);
        List<Batch> evalB = Batches.epoch(data, SCALE_ONLY, 64, 11, 1, false, true);
        assertNotEquals(Arrays.toString(evalA.get(0).features()), Arrays.toString(evalB.get(0).features()));
    }

    /** The "dy,dx,flip" that turns {@code source} into {@code out}, or null if none does. */
    private static String matchingCropFlip(float[] source, float[] out, Shape.Image shape) {
        for (int dy = 0; dy <= 2 * Augmentation.PAD; dy++) {
            for (int dx = 0; dx <= 2 * Augmentation.PAD; dx++) {
                for (boolean flip : new boolean[] {false, true}) {
                    float[] candidate = new float[source.length];
                    Augmentation.cropFlip(source, 0, candidate, 0, shape, dy, dx, flip);
                    if (Arrays.equals(candidate, out)) {
                        return dy + "," + dx + "," + flip;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void batchesPerEpochCountsWholeBatches() {
        assertEquals(10, Batches.batchesPerEpoch(103, 10));
        assertEquals(10, Batches.batchesPerEpoch(100, 10));
        assertEquals(0, Batches.batchesPerEpoch(9, 10));
        assertEquals(Batches.batchesPerEpoch(103, 10), Batches.epoch(indexed(103), SCALE_ONLY, 10, 0, 0, true, false).size());
        assertThrows(DataException.class, () -> Batches.batchesPerEpoch(10, 0));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("training set 'indexed' has 9 examples, fewer than one batch of 10:"
                        + " lower the batch size or use more training examples",
                assertThrows(DataException.class,
                        () -> Batches.epoch(indexed(9), SCALE_ONLY, 10, 0, 0, true, false)).getMessage());
        assertEquals(1, Batches.epoch(indexed(9), SCALE_ONLY, 10, 0, 0, false, false).size());
        assertEquals("batch size is 0: use at least 1",
                assertThrows(DataException.class,
                        () -> Batches.epoch(indexed(9), SCALE_ONLY, 0, 0, 0, true, false)).getMessage());
        Normalization rgb = new Normalization(new float[3], new float[] {1, 1, 1});
        assertEquals("normalisation fitted on 3 channels does not fit 'indexed' with 1 channels:"
                        + " fit it on this data set's training set",
                assertThrows(DataException.class,
                        () -> Batches.epoch(indexed(9), rgb, 3, 0, 0, true, false)).getMessage());
    }
}
