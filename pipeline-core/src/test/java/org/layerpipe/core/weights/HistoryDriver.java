package org.layerpipe.core.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Drives a {@link WeightHistory} the way a LayerPipe2 stage of delay D does: at tick t, a
 * forward at the current version, then the backward of the forward from D ticks ago, then an
 * update. Records the true weights of every version, so tests can compare.
 */
final class HistoryDriver {

    final List<double[]> versions = new ArrayList<>();
    final List<Double> errors = new ArrayList<>();
    long peakHeld;
    final double[] current;
    private final WeightHistory<double[]> history;
    private final int delay;
    private final double[] target;

    HistoryDriver(WeightHistory<double[]> history, int delay, double[] initial) {
        this.history = history;
        this.delay = delay;
        this.current = initial.clone();
        this.target = new double[initial.length];
        versions.add(current.clone());
    }

    /** Runs {@code ticks} ticks; {@code updateAt} gives the update applied at each tick given the current weights. */
    void run(int ticks, UpdateRule rule) {
        List<Long> forwardVersions = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            long v = versions.size() - 1;
            history.onForward(v, current);
            forwardVersions.add(v);
            int j = t - delay;
            if (j >= 0) {
                long fv = forwardVersions.get(j);
                double[] used = history.weightsForBackward(fv, v, current, target);
                double[] truth = versions.get((int) fv);
                double drift = ArrayVectors.INSTANCE.distance(truth, current);
                if (drift > 0) {
                    errors.add(ArrayVectors.INSTANCE.distance(used, truth) / drift);
                } else if (ArrayVectors.INSTANCE.distance(used, truth) != 0) {
                    errors.add(Double.POSITIVE_INFINITY);
                }
                history.beforeUpdate(v, current);
                double[] applied = rule.update(t, current);
                ArrayVectors.INSTANCE.axpy(1.0, applied, current);
                history.afterUpdate(v + 1, applied, current);
                versions.add(current.clone());
                peakHeld = Math.max(peakHeld, history.heldBytes());
            }
        }
    }

    double maxError() {
        return errors.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    interface UpdateRule {
        double[] update(int tick, double[] weights);
    }

    static UpdateRule constant(double[] u) {
        return (t, w) -> u.clone();
    }

    static double[] fill(int n, IntFunction<Double> f) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = f.apply(i);
        }
        return v;
    }
}
