package org.layerpipe.core.execution;

/**
 * What an executor measured over one schedule.
 *
 * @param losses    mean loss of each unit, by unit index (from the last stage's backward)
 * @param correct   correctly classified examples of each unit
 * @param examples  examples of each unit
 * @param staleness per stage and unit: updates the stage applied between the unit's forward and its backward, as measured
 */
public record RunResult(double[] losses, int[] correct, int[] examples, int[][] staleness) {

    /** Fraction of examples classified correctly over the whole run. */
    public double accuracy() {
        long c = 0;
        long n = 0;
        for (int i = 0; i < correct.length; i++) {
            c += correct[i];
            n += examples[i];
        }
        return n == 0 ? Double.NaN : (double) c / n;
    }

    /** Mean of the unit losses. */
    public double meanLoss() {
        double sum = 0;
        for (double l : losses) {
            sum += l;
        }
        return losses.length == 0 ? Double.NaN : sum / losses.length;
    }
}
