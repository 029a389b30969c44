package org.layerpipe.core.data;

import org.layerpipe.core.model.Shape;

import java.util.AbstractList;
import java.util.List;
import java.util.Random;
import java.util.RandomAccess;

/**
 * Cuts a data set into the minibatches of one epoch: seeded shuffling, per-channel
 * normalisation and, for training, the CIFAR augmentation ({@link Augmentation}).
 *
 * <p>Everything random is derived from {@code (seed, epoch)} and, for augmentation, the
 * example's position in the epoch, so a trial re-run with the same seed sees exactly the
 * same batches, whichever order batches are built in and on whichever thread.
 */
public final class Batches {

    // Tags keep the shuffle's and the augmentation's random streams apart for equal numbers.
    private static final long SHUFFLE = 0x5348554646L;
    private static final long AUGMENT = 0x4155474DL;

    private Batches() {
    }

    /**
     * The batches of one epoch.
     *
     * <p>With {@code shuffle} (training) the order is a permutation seeded by
     * {@code (seed, epoch)} and the last incomplete batch is dropped, so every step sees
     * {@code batchSize} examples; without it (evaluation) examples keep their order and the
     * last batch may be smaller, so every example is evaluated once.
     *
     * <p>The list builds each batch when it is asked for, so an epoch of CIFAR does not hold
     * all its normalised copies at once; asking twice gives equal batches.
     *
     * @param norm    applied to every example (fit it on the training set)
     * @param augment random crop (padding {@value Augmentation#PAD}) and horizontal flip, after normalisation
     */
    public static List<Batch> epoch(Dataset data, Normalization norm, int batchSize, long seed, int epoch,
                                    boolean shuffle, boolean augment) {
        if (data == null || norm == null) {
            throw new DataException("batches need a data set and a normalisation, got " + (data == null ? "no data set" : "no normalisation"));
        }
        if (norm.channels() != data.shape().channels()) {
            throw new DataException("normalisation fitted on " + norm.channels() + " channels does not fit '" + data.name()
                    + "' with " + data.shape().channels() + " channels: fit it on this data set's training set");
        }
        if (batchSize < 1) {
            throw new DataException("batch size is " + batchSize + ": use at least 1");
        }
        if (epoch < 0) {
            throw new DataException("epoch is " + epoch + ": epochs are numbered from 0");
        }
        int count = shuffle ? batchesPerEpoch(data.size(), batchSize) : (data.size() + batchSize - 1) / batchSize;
        if (count == 0) {
            throw new DataException("training set '" + data.name() + "' has " + data.size() + " examples, fewer than one batch of "
                    + batchSize + ": lower the batch size or use more training examples");
        }
        int[] order = shuffle ? permutation(data.size(), Seeds.mix(SHUFFLE, seed, epoch)) : null;
        return new EpochBatches(data, norm, batchSize, count, order, augment ? Seeds.mix(AUGMENT, seed, epoch) : null);
    }

    /** Number of training batches in an epoch of {@code size} examples: the last incomplete batch is dropped. */
    public static int batchesPerEpoch(int size, int batchSize) {
        if (size < 0 || batchSize < 1) {
            throw new DataException("batches per epoch need size >= 0 and batch size >= 1, got size " + size
                    + ", batch size " + batchSize);
        }
        return size / batchSize;
    }

    /** A Fisher-Yates shuffle of {@code 0..n-1}; java.util.Random's algorithm is specified, so the order is stable across JDKs. */
    private static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The batches of one epoch, built on access. */
    private static final class EpochBatches extends AbstractList<Batch> implements RandomAccess {

        private final Dataset data;
        private final Normalization norm;
        private final int batchSize;
        private final int count;
        private final int[] order;          // null: data order
        private final Long augmentSeed;     // null: no augmentation

        EpochBatches(Dataset data, Normalization norm, int batchSize, int count, int[] order, Long augmentSeed) {
            this.data = data;
            this.norm = norm;
            this.batchSize = batchSize;
            this.count = count;
            this.order = order;
            this.augmentSeed = augmentSeed;
        }

        @Override
        public int size() {
            return count;
        }

        @Override
        public Batch get(int b) {
            if (b < 0 || b >= count) {
                throw new IndexOutOfBoundsException("batch " + b + " is outside 0.." + (count - 1));
            }
            int from = b * batchSize;
            int n = Math.min(batchSize, data.size() - from);
            Shape.Image shape = data.shape();
            int len = data.exampleLength();
            int pixels = shape.height() * shape.width();
            float[] features = new float[n * len];
            int[] labels = new int[n];
            float[] scratch = augmentSeed == null ? null : new float[len];
            for (int k = 0; k < n; k++) {
                int position = from + k;
                int example = order == null ? position : order[position];
                data.copyExample(example, features, k * len);
                norm.apply(features, k * len, shape.channels(), pixels);
                if (augmentSeed != null) {
                    Augmentation.random(features, k * len, shape, Seeds.mix(augmentSeed, position), scratch);
                }
                labels[k] = data.labels()[example];
            }
            return new Batch(features, labels, n);
        }
    }
}
