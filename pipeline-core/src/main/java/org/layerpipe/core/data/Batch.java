package org.layerpipe.core.data;

/**
 * One minibatch ready for a model: {@code size} examples, normalised (and augmented when
 * training asks for it), one after another in NCHW order, and their labels.
 *
 * <p>The arrays belong to the batch ({@link Batches} builds fresh ones for every batch) and
 * are not copied here; whoever converts a batch to device arrays only reads them.
 *
 * @param features {@code size × example length} values
 * @param labels   one class per example
 * @param size     number of examples, at least 1
 */
public record Batch(float[] features, int[] labels, int size) {

    public Batch {
        if (size < 1) {
            throw new DataException("a batch needs at least 1 example, got size " + size);
        }
        if (features == null || labels == null) {
            throw new DataException("a batch is missing its " + (features == null ? "features" : "labels") + " array (null)");
        }
        if (labels.length != size) {
            throw new DataException("a batch of size " + size + " has " + labels.length + " labels: give one label per example");
        }
        if (features.length == 0 || features.length % size != 0) {
            throw new DataException("a batch of size " + size + " has " + features.length
                    + " feature values: give the same whole number of values for every example");
        }
    }

    /** Number of values in one example. */
    public int exampleLength() {
        return features.length / size;
    }
}
