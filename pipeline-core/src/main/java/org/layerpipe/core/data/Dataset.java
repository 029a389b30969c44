package org.layerpipe.core.data;

import org.layerpipe.core.model.Shape;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Labelled images held in memory: {@code features} holds one example after another, each
 * NCHW (channels, then rows, then columns) with raw pixel values (0..255 for the real data
 * sets; normalisation happens per batch); {@code labels[i]} is the class of example
 * {@code i}, in {@code 0..numClasses-1}.
 *
 * <p>The arrays are shared, not copied: a training set is hundreds of megabytes. Nothing in
 * this package writes to them after construction, and callers must not either.
 * {@link #equals} and {@link #hashCode} compare contents.
 *
 * @param name       the data set's name, for messages ({@code "fashion-mnist"})
 * @param shape      the shape of one example
 * @param numClasses number of classes, at least 1
 * @param features   {@code size × shape.size()} raw values, example after example
 * @param labels     one class per example
 */
public record Dataset(String name, Shape.Image shape, int numClasses, float[] features, int[] labels) {

    public Dataset {
        if (name == null || name.isBlank()) {
            throw new DataException("a data set needs a name (e.g. \"fashion-mnist\"), got " + (name == null ? "null" : "\"\""));
        }
        if (shape == null) {
            throw new DataException("data set '" + name + "' has no example shape: give one, e.g. new Shape.Image(1, 28, 28)");
        }
        if (numClasses < 1) {
            throw new DataException("data set '" + name + "' has numClasses " + numClasses + ": it needs at least 1 class");
        }
        if (features == null || labels == null) {
            throw new DataException("data set '" + name + "' is missing its " + (features == null ? "features" : "labels")
                    + " array (null): pass one value array and one label per example");
        }
        if (labels.length == 0) {
            throw new DataException("data set '" + name + "' has no examples: it needs at least one");
        }
        long expected = (long) labels.length * shape.size();
        if (features.length != expected) {
            throw new DataException("data set '" + name + "' has " + features.length + " feature values for "
                    + labels.length + " examples of " + shape + ", expected " + expected
                    + ": pass one example after another, NCHW");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new DataException("data set '" + name + "': label " + labels[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    /** Number of values in one example ({@code channels × height × width}). */
    public int exampleLength() {
        return (int) shape.size();
    }

    /** The first {@code n} examples; {@code n = 0} (meaning "all") or {@code n >= size()} gives this set. */
    public Dataset first(int n) {
        if (n < 0) {
            throw new DataException("cannot take the first " + n + " examples of '" + name + "': use n >= 0 (0 = all)");
        }
        return n == 0 || n >= size() ? this : range(0, n);
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), as a new data set with copied arrays. */
    public Dataset range(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new DataException("example range " + from + ".." + to + " of '" + name + "' is not a non-empty range within 0.."
                    + size());
        }
        int len = exampleLength();
        return new Dataset(name, shape, numClasses,
                Arrays.copyOfRange(features, from * len, to * len),
                Arrays.copyOfRange(labels, from, to));
    }

    /** Copies the raw values of example {@code i} into {@code dst} starting at {@code offset}. */
    public void copyExample(int i, float[] dst, int offset) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("example " + i + " is outside 0.." + (size() - 1) + " of '" + name + "'");
        }
        int len = exampleLength();
        if (dst == null || offset < 0 || offset + len > dst.length) {
            throw new IndexOutOfBoundsException("cannot copy an example of " + len + " values to offset " + offset
                    + " of an array of " + (dst == null ? "null" : dst.length + " values"));
        }
        System.arraycopy(features, i * len, dst, offset, len);
    }

    /**
     * A digest of the contents: the first 16 hex digits of SHA-256 over the shape, the classes,
     * the labels and the raw values. Equal for equal contents wherever they were read from, and
     * different when a limit, a file or the generator changes what a trial trains on.
     */
    public String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            buf.putInt(shape.channels()).putInt(shape.height()).putInt(shape.width()).putInt(numClasses);
            for (int label : labels) {
                if (buf.remaining() < Integer.BYTES) {
                    flush(sha, buf);
                }
                buf.putInt(label);
            }
            for (float value : features) {
                if (buf.remaining() < Float.BYTES) {
                    flush(sha, buf);
                }
                buf.putFloat(value);
            }
            flush(sha, buf);
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void flush(MessageDigest sha, ByteBuffer buf) {
        sha.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && name.equals(d.name) && shape.equals(d.shape) && numClasses == d.numClasses
                && Arrays.equals(labels, d.labels) && Arrays.equals(features, d.features);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + shape.hashCode()) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " examples of " + shape + ", " + numClasses + " classes";
    }
}
