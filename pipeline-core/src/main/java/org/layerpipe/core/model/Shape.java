package org.layerpipe.core.model;

/** The shape of one example flowing between blocks (batch dimension excluded). */
public sealed interface Shape {

    /** Number of values per example. */
    long size();

    /** A vector of {@code size} features. */
    record Flat(int features) implements Shape {
        public Flat {
            if (features < 1) {
                throw new IllegalArgumentException("a flat shape needs at least 1 feature, got " + features);
            }
        }

        @Override
        public long size() {
            return features;
        }

        @Override
        public String toString() {
            return "[" + features + "]";
        }
    }

    /** An image of {@code channels × height × width} (channels first, as DL4J's NCHW). */
    record Image(int channels, int height, int width) implements Shape {
        public Image {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException("an image shape needs positive channels, height and width, got "
                        + channels + "x" + height + "x" + width);
            }
        }

        @Override
        public long size() {
            return (long) channels * height * width;
        }

        @Override
        public String toString() {
            return "[" + channels + "x" + height + "x" + width + "]";
        }
    }
}
