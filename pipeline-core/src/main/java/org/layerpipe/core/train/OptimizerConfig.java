package org.layerpipe.core.train;

import org.layerpipe.core.stage.SgdSettings;

/**
 * SGD settings of a trial.
 *
 * @param lr          base learning rate
 * @param schedule    how the rate moves over training
 * @param momentum    heavy-ball momentum in [0, 1)
 * @param weightDecay L2 weight decay
 */
public record OptimizerConfig(double lr, LrSchedule schedule, double momentum, double weightDecay) {

    public OptimizerConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
        }
        if (schedule == null) {
            schedule = LrSchedule.CONSTANT;
        }
        new SgdSettings(momentum, weightDecay); // validates both
    }

    public SgdSettings sgd() {
        return new SgdSettings(momentum, weightDecay);
    }

    /** Learning rate after {@code update} of {@code totalUpdates} updates. */
    public double rateAt(long update, long totalUpdates) {
        return lr * schedule.factor(totalUpdates <= 0 ? 0 : (double) update / totalUpdates);
    }
}
