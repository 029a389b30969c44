package org.layerpipe.jobs.sweep;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.train.Setting;

/**
 * A sweep's {@code early_stopping}: successive halving (Jamieson and Talwalkar 2016; Ray Tune's
 * ASHA without the asynchrony). Every trial trains to the first rung, {@code minEpochs} epochs;
 * within each group of trials that agree on {@code groupBy} (e.g. per partition, so that a study
 * keeps every depth) the best {@code 1/reduction} by {@code metric} at that epoch (at least one)
 * go on from their checkpoints to the next rung, {@code reduction} times as many epochs, and so on;
 * the last rung is the trials' full {@code epochs}. The others end STOPPED.
 *
 * @param metric    an epoch metric: test_accuracy, test_loss, train_accuracy or train_loss
 * @param maximise  whether larger is better ({@code mode: max})
 * @param minEpochs the first rung, in epochs (≥ 1)
 * @param reduction how many trials compete for each that goes on (≥ 2)
 * @param groupBy   setting keys whose values form the groups ranked separately (may be empty)
 */
public record EarlyStopping(String metric, boolean maximise, int minEpochs, int reduction, List<String> groupBy) {

    /** The metrics a rung can rank by (measured every epoch). */
    public static final List<String> METRICS = List.of("test_accuracy", "test_loss", "train_accuracy", "train_loss");
    /** The one rule there is. */
    public static final String RULE = "successive-halving";

    public EarlyStopping {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("early_stopping metric '" + metric + "' is not one of " + String.join(", ", METRICS));
        }
        if (minEpochs < 1) {
            throw new IllegalArgumentException("early_stopping min_epochs must be at least 1, got " + minEpochs);
        }
        if (reduction < 2) {
            throw new IllegalArgumentException("early_stopping reduction must be at least 2 (it keeps 1/reduction at each rung), got "
                    + reduction);
        }
        for (String key : groupBy) {
            Setting.of(key); // refuses an unknown key in one sentence
        }
        groupBy = List.copyOf(groupBy);
    }

    /**
     * The rungs for trials of {@code epochs} epochs: {@code minEpochs · reduction^k} below
     * {@code epochs}, then {@code epochs} itself.
     */
    public List<Integer> rungs(int epochs) {
        List<Integer> rungs = new ArrayList<>();
        for (long r = minEpochs; r < epochs; r *= reduction) {
            rungs.add((int) r);
        }
        rungs.add(epochs);
        return rungs;
    }

    /** How many of {@code n} trials of one group go on past a rung. */
    public int kept(int n) {
        return Math.max(1, n / reduction);
    }
}
