package org.layerpipe.core.data;

import org.layerpipe.core.model.Shape;

import java.util.Random;

/**
 * A seeded, learnable image set for tests and quick runs: each class has a random prototype
 * image (every value uniform in 64..192) and an example is its class's prototype plus
 * Gaussian noise (standard deviation {@value #NOISE_STD}), clipped to 0..255 like real pixels.
 * Two prototypes differ by about 43 per value on average against noise of 48: classes overlap value by
 * value but a linear model separates them far above chance.
 *
 * <p>Labels cycle {@code 0, 1, .., numClasses-1, 0, ..}, so every prefix is class-balanced.
 * Examples are drawn in order from one generator, so {@code generate(.., n, seed)} is a prefix
 * of {@code generate(.., m, seed)} for {@code n < m}: a train/test split of one generated set
 * shares the prototypes. {@link java.util.Random} is used because its algorithm is
 * specified, so a seed gives the same data on every JDK.
 */
public final class SyntheticData {

    /** Standard deviation of the per-value noise, on the 0..255 scale. */
    public static final double NOISE_STD = 48.0;

    private SyntheticData() {
    }

    /**
     * Generates {@code size} examples of {@code shape} in {@code numClasses} classes.
     *
     * @param seed the same seed gives the same data set
     */
    public static Dataset generate(String name, Shape.Image shape, int numClasses, int size, long seed) {
        if (shape == null) {
            throw new DataException("synthetic data set '" + name + "' needs an example shape, e.g. new Shape.Image(3, 16, 16)");
        }
        if (numClasses < 2) {
            throw new DataException("synthetic data set '" + name + "' has numClasses " + numClasses + ": use at least 2");
        }
        if (size < 1) {
            throw new DataException("synthetic data set '" + name + "' has size " + size + ": use at least 1 example");
        }
        int len = (int) shape.size();
        if ((long) size * len > Integer.MAX_VALUE - 8) {
            throw new DataException("synthetic data set '" + name + "' of " + size + " examples of " + shape
                    + " does not fit one Java array: use fewer examples");
        }
        Random rng = new Random(seed);
        float[][] prototypes = new float[numClasses][len];
        for (float[] prototype : prototypes) {
            for (int v = 0; v < len; v++) {
                prototype[v] = 64f + 128f * rng.nextFloat();
            }
        }
        float[] features = new float[size * len];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = i % numClasses;
            float[] prototype = prototypes[labels[i]];
            for (int v = 0; v < len; v++) {
                double x = prototype[v] + NOISE_STD * rng.nextGaussian();
                features[i * len + v] = (float) Math.max(0.0, Math.min(255.0, x));
            }
        }
        return new Dataset(name, shape, numClasses, features, labels);
    }
}
