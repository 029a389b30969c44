package org.layerpipe.jobs.sweep;

import java.util.Optional;

import org.layerpipe.core.data.DataSets;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.train.TrialConfig;

/**
 * Whether a trial's partition fits the model it trains: the model's block count depends on the
 * model, its hidden widths and the data set's input shape, so a partition can be checked before
 * any data is read. For a planned trial, whether the planner can simulate it on its devices
 * ({@link Prediction#check}: e.g. interleaved 1F1B's two stages per device).
 */
final class PartitionFit {

    private PartitionFit() {
    }

    /** The reason the partition does not fit, or empty when it does. */
    static Optional<String> problem(TrialConfig config) {
        try {
            ModelSpec model = config.model().build(input(config.data().name()), classes(config.data().name()));
            if (config.plan().enabled()) {
                Prediction.check(model, config.partition(), config.schedule(), config.microbatches());
            } else {
                config.partition().resolve(model.numBlocks(), model.estimatedCosts());
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The cache key: the settings that decide the model's blocks and the partition. */
    static String key(TrialConfig config) {
        return config.model() + "|" + config.data().name() + "|" + config.partition()
                + (config.plan().enabled() ? "|plan|" + config.schedule() + "|" + config.microbatches() : "");
    }

    private static Shape input(String data) {
        return DataSets.inputShape(data);
    }

    private static int classes(String data) {
        return DataSets.numClasses(data);
    }
}
