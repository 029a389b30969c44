package org.layerpipe.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.layerpipe.core.data.CifarReader;
import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.train.ModelConfig;

/**
 * A model the benchmark measures, with what makes its measurement meaningful yet short on
 * two cores: batch size, step count, warm-up, rounds, data, and the batch size at which its
 * blocks are profiled to balance the M = 2 partition.
 */
public enum BenchModel {
    MLP("mlp", 64, 400, 3, 2, Data.FASHION_MNIST, Integer.MAX_VALUE),
    WIDE_MLP("wide-mlp", 64, 60, 3, 2, Data.FASHION_MNIST, Integer.MAX_VALUE),
    CNN("cnn", 64, 24, 3, 2, Data.FASHION_MNIST, Integer.MAX_VALUE),
    /**
     * About 6 s per step at batch 128 on these 2 cores (5.6 s measured 2026-12-01, M = 1, native
     * engine on the oneDNN build; the DL4J-layer engine took about 80 s): few steps, one round, and block times profiled at batch 16,
     * since the profiler runs every block seven times (at batch 128 that would take some nine minutes). MAC
     * estimates are no substitute: their split [7,8] kept stage 1 busy 29 % of a short run.
     * Twelve steps, not four: a round's wall time includes the pipeline's fill and drain (one
     * stage idles for about one stage time at each end), which in four steps of two stages cost
     * M = 2 some 10 % against M = 1 that a long run does not pay.
     */
    RESNET18("resnet18", 128, 12, 1, 1, Data.SYNTHETIC_CIFAR, 16);

    /** Where the minibatches come from. */
    public enum Data {
        /** Real Fashion-MNIST (Debian package {@code dataset-fashion-mnist}), normalised. */
        FASHION_MNIST,
        /** Seeded synthetic images of CIFAR's shape (3×32×32, 10 classes): no CIFAR files exist on these machines. */
        SYNTHETIC_CIFAR
    }

    /** Every model's name, in declaration order. */
    public static final List<String> NAMES = Arrays.stream(values()).map(BenchModel::label).toList();

    private final String label;
    private final int batch;
    private final int defaultSteps;
    private final int minWarmup;
    private final int defaultRounds;
    private final Data data;
    private final int maxProfileBatch;

    BenchModel(String label, int batch, int defaultSteps, int minWarmup, int defaultRounds, Data data, int maxProfileBatch) {
        this.label = label;
        this.batch = batch;
        this.defaultSteps = defaultSteps;
        this.minWarmup = minWarmup;
        this.defaultRounds = defaultRounds;
        this.data = data;
        this.maxProfileBatch = maxProfileBatch;
    }

    /** The model named {@code name} as {@code --models} writes it ({@code mlp}, {@code wide-mlp}, {@code cnn}, {@code resnet18}). */
    public static BenchModel of(String name) {
        for (BenchModel m : values()) {
            if (m.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown benchmark model '" + name + "': use " + String.join(", ", NAMES));
    }

    public String label() {
        return label;
    }

    /** Default minibatch size. */
    public int batch() {
        return batch;
    }

    public int defaultRounds() {
        return defaultRounds;
    }

    public Data data() {
        return data;
    }

    /** Batch size at which the block profiler measures the blocks that balance the M = 2 partition of a run at {@code batch}. */
    public int profileBatch(int batch) {
        return Math.min(batch, maxProfileBatch);
    }

    /** Timed steps per round: the default scaled, at least 2 (a pipeline needs units in flight to be measured at all). */
    public int steps(double scale) {
        return (int) Math.max(2, Math.round(defaultSteps * scale));
    }

    /** Untimed steps before the first timed round of a fresh network or pipeline. */
    public int warmup(int steps) {
        return Math.max(minWarmup, steps / 10);
    }

    public ModelSpec spec() {
        Shape.Image fashion = new Shape.Image(1, 28, 28);
        return switch (this) {
            case MLP -> new ModelConfig("mlp", List.of(256, 128)).build(fashion, 10);
            case WIDE_MLP -> new ModelConfig("mlp", List.of(1024, 1024, 1024, 1024)).build(fashion, 10);
            case CNN -> new ModelConfig("cnn", List.of()).build(fashion, 10);
            case RESNET18 -> Models.resnet18(CifarReader.SHAPE, 10);
        };
    }

    /** Whether a plain Deeplearning4j {@code MultiLayerNetwork} can hold the model: it has no residual blocks. */
    public boolean hasDl4jReference() {
        return spec().blocks().stream().noneMatch(b -> b instanceof Block.Residual);
    }
}
