package org.layerpipe.core.optim;


/**
 * SGD settings of a trial.
 *
 * @param lr           base learning rate
 * @param schedule     how the rate moves over training
 * @param momentum     heavy-ball momentum in [0, 1)
 * @param weightDecay  L2 weight decay
 * @param warmupEpochs epochs over which the rate ramps up linearly before the schedule's rate applies
 *                     (PipeMare-style warm-up, which tames the stale gradients of the first updates); 0 = none
 */
public record OptimizerConfig(double lr, LrSchedule schedule, double momentum, double weightDecay, double warmupEpochs) {

    public OptimizerConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
        }
        if (schedule == null) {
            schedule = LrSchedule.CONSTANT;
        }
        new SgdSettings(momentum, weightDecay); // validates both
        if (!(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
            throw new IllegalArgumentException("lr_warmup must be a finite number of epochs >= 0 (0 = no warm-up), got " + warmupEpochs);
        }
    }

    /** No warm-up. */
    public OptimizerConfig(double lr, LrSchedule schedule, double momentum, double weightDecay) {
        this(lr, schedule, momentum, weightDecay, 0.0);
    }

    public SgdSettings sgd() {
        return new SgdSettings(momentum, weightDecay);
    }

    /**
     * Learning rate for the update with index {@code update} (0-based) of {@code totalUpdates}:
     * the schedule's rate at that progress, times the warm-up ramp over the first
     * {@code warmupEpochs · updatesPerEpoch} updates.
     */
    public double rateAt(long update, long totalUpdates, long updatesPerEpoch) {
        return lr * schedule.factor(totalUpdates <= 0 ? 0 : (double) update / totalUpdates)
                * LrSchedule.warmup(update, warmupEpochs * updatesPerEpoch);
    }
}
