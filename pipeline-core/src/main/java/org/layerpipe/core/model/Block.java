package org.layerpipe.core.model;

/**
 * One pipeline block: a layer or a residual unit. Pipeline cuts fall only between blocks,
 * so every cut is a feed-forward cutset (DESIGN §2). Blocks are plain descriptions; the
 * {@code nd4j} package turns them into Deeplearning4j layers.
 */
public sealed interface Block {

    /** The output shape for {@code in}, or an {@link IllegalArgumentException} naming the mismatch. */
    Shape outputShape(Shape in);

    /**
     * Number of parameters (including batch-norm running statistics, which live in the parameter vector);
     * none for the blocks that only reshape, pool, activate or score.
     */
    default long parameters(Shape in) {
        return 0;
    }

    /** Multiply-adds of one example's forward, a cost estimate for balancing stages before profiling. */
    long forwardMacs(Shape in);

    /** Short human name, e.g. {@code conv3x3(16)}. */
    String name();

    /** Fully connected layer. Needs a flat input (put a {@link Flatten} after images). */
    record Dense(int units, Activation activation) implements Block {
        public Dense {
            if (units < 1) {
                throw new IllegalArgumentException("dense units must be >= 1, got " + units);
            }
            if (activation == null) {
                activation = Activation.IDENTITY;
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            if (!(in instanceof Shape.Flat)) {
                throw new IllegalArgumentException(name() + " needs a flat input but gets " + in + ": put a flatten block before it");
            }
            return new Shape.Flat(units);
        }

        @Override
        public long parameters(Shape in) {
            return in.size() * units + units;
        }

        @Override
        public long forwardMacs(Shape in) {
            return in.size() * units;
        }

        @Override
        public String name() {
            return "dense(" + units + (activation == Activation.IDENTITY ? "" : "," + activation.name().toLowerCase(java.util.Locale.ROOT)) + ")";
        }
    }

    /** 2-D convolution over an image, square kernel, explicit zero padding. */
    record Conv2d(int filters, int kernel, int stride, int padding, boolean bias, Activation activation) implements Block {
        public Conv2d {
            if (filters < 1 || kernel < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException("conv needs filters, kernel, stride >= 1 and padding >= 0, got filters="
                        + filters + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
            }
            if (activation == null) {
                activation = Activation.IDENTITY;
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            Shape.Image img = Blocks.image(in, name());
            int h = (img.height() + 2 * padding - kernel) / stride + 1;
            int w = (img.width() + 2 * padding - kernel) / stride + 1;
            if (h < 1 || w < 1) {
                throw new IllegalArgumentException(name() + " cannot apply to " + in + ": the kernel is larger than the padded image");
            }
            return new Shape.Image(filters, h, w);
        }

        @Override
        public long parameters(Shape in) {
            Shape.Image img = Blocks.image(in, name());
            return (long) kernel * kernel * img.channels() * filters + (bias ? filters : 0);
        }

        @Override
        public long forwardMacs(Shape in) {
            Shape.Image img = Blocks.image(in, name());
            return outputShape(in).size() * kernel * kernel * img.channels();
        }

        @Override
        public String name() {
            return "conv" + kernel + "x" + kernel + "(" + filters + (stride == 1 ? "" : ",s" + stride) + ")";
        }
    }

    /** Max or average pooling. */
    record Pool(PoolType type, int kernel, int stride) implements Block {
        public enum PoolType { MAX, AVG }

        public Pool {
            if (type == null || kernel < 1 || stride < 1) {
                throw new IllegalArgumentException("pooling needs a type (max/avg), kernel >= 1 and stride >= 1");
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            Shape.Image img = Blocks.image(in, name());
            int h = (img.height() - kernel) / stride + 1;
            int w = (img.width() - kernel) / stride + 1;
            if (h < 1 || w < 1) {
                throw new IllegalArgumentException(name() + " cannot apply to " + in + ": the window is larger than the image");
            }
            return new Shape.Image(img.channels(), h, w);
        }

        @Override
        public long forwardMacs(Shape in) {
            return outputShape(in).size() * kernel * kernel;
        }

        @Override
        public String name() {
            return type.name().toLowerCase(java.util.Locale.ROOT) + "pool" + kernel;
        }
    }

    /** Batch normalization over channels (images) or features (flat). */
    record BatchNorm() implements Block {
        @Override
        public Shape outputShape(Shape in) {
            return in;
        }

        @Override
        public long parameters(Shape in) {
            // gamma, beta, and the running mean and variance
            return 4L * Blocks.channels(in);
        }

        @Override
        public long forwardMacs(Shape in) {
            return 2 * in.size();
        }

        @Override
        public String name() {
            return "batchnorm";
        }
    }

    /** A parameter-free nonlinearity (e.g. ReLU). */
    record Act(Activation activation) implements Block {
        public Act {
            if (activation == null) {
                throw new IllegalArgumentException("activation block needs an activation");
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            return in;
        }

        @Override
        public long forwardMacs(Shape in) {
            return in.size();
        }

        @Override
        public String name() {
            return activation.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Image to flat vector, channels-major (DL4J's NCHW 'c' order). */
    record Flatten() implements Block {
        @Override
        public Shape outputShape(Shape in) {
            return new Shape.Flat(Math.toIntExact(in.size()));
        }

        @Override
        public long forwardMacs(Shape in) {
            return 0;
        }

        @Override
        public String name() {
            return "flatten";
        }
    }

    /** Softmax with multi-class cross-entropy loss; ends every model. */
    record SoftmaxLoss() implements Block {
        @Override
        public Shape outputShape(Shape in) {
            if (!(in instanceof Shape.Flat)) {
                throw new IllegalArgumentException("softmax loss needs flat class scores but gets " + in);
            }
            return in;
        }

        @Override
        public long forwardMacs(Shape in) {
            return 3 * in.size();
        }

        @Override
        public String name() {
            return "softmax-ce";
        }
    }

    /**
     * ResNet basic block: {@code relu(bn(conv3x3(relu(bn(conv3x3_s(x))))) + shortcut(x))}, the
     * shortcut being the identity, or a 1×1 convolution with batch norm when the stride or
     * the channel count changes.
     */
    record Residual(int filters, int stride) implements Block {
        public Residual {
            if (filters < 1 || stride < 1) {
                throw new IllegalArgumentException("residual block needs filters >= 1 and stride >= 1, got " + filters + ", " + stride);
            }
        }

        /** Whether the shortcut is a projection for input shape {@code in}. */
        public boolean projects(Shape in) {
            return stride != 1 || Blocks.image(in, name()).channels() != filters;
        }

        public Conv2d conv1() {
            return new Conv2d(filters, 3, stride, 1, false, Activation.IDENTITY);
        }

        public Conv2d conv2() {
            return new Conv2d(filters, 3, 1, 1, false, Activation.IDENTITY);
        }

        public Conv2d projection() {
            return new Conv2d(filters, 1, stride, 0, false, Activation.IDENTITY);
        }

        @Override
        public Shape outputShape(Shape in) {
            return conv1().outputShape(in);
        }

        @Override
        public long parameters(Shape in) {
            Shape mid = conv1().outputShape(in);
            long p = conv1().parameters(in) + 4L * filters + conv2().parameters(mid) + 4L * filters;
            return projects(in) ? p + projection().parameters(in) + 4L * filters : p;
        }

        @Override
        public long forwardMacs(Shape in) {
            Shape mid = conv1().outputShape(in);
            long m = conv1().forwardMacs(in) + conv2().forwardMacs(mid);
            return projects(in) ? m + projection().forwardMacs(in) : m;
        }

        @Override
        public String name() {
            return "residual(" + filters + (stride == 1 ? "" : ",s" + stride) + ")";
        }
    }
}
