package org.layerpipe.core.optim;

/** Learning rate as a function of the number of updates a stage has applied (a schedule as data). */
@FunctionalInterface
public interface LearningRate {

    double at(long update);

    static LearningRate constant(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
        }
        return update -> lr;
    }
}
