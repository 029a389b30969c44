package org.layerpipe.core.execution;

/**
 * What an executor measured over one schedule.
 *
 * @param losses    mean loss of each unit, by unit index (from the last stage's backward)
 * @param correct   correctly classified examples of each unit
 * @param examples  examples of each unit
 * @param staleness per stage and unit: updates the stage applied between the unit's forward and its backward, as measured
 * @param busyNanos per stage: time spent computing (forward, backward, update), not waiting
 * @param wallNanos wall-clock time of the whole run
 */
public record RunResult(double[] losses, int[] correct, int[] examples, int[][] staleness, long[] busyNanos, long wallNanos) {

    /** Fraction of the wall time each stage spent computing: the pipeline's efficiency, stage by stage. */
    public double[] busyFractions() {
        double[] f = new double[busyNanos.length];
        for (int s = 0; s < f.length; s++) {
            f[s] = wallNanos == 0 ? 0 : (double) busyNanos[s] / wallNanos;
        }
        return f;
    }

    /**
     * Per stage: the largest measured staleness of any unit — in steady state the schedule's
     * nominal delay ({@code 2·S} under LayerPipe2, {@code S} under 1F1B, 0 for SEQUENTIAL and GPipe).
     */
    public int[] maxStaleness() {
        int[] max = new int[staleness.length];
        for (int s = 0; s < max.length; s++) {
            for (int v : staleness[s]) {
                max[s] = Math.max(max[s], v);
            }
        }
        return max;
    }

    /**
     * Per stage: the mean measured staleness over all units, pipeline fill included (the first
     * units of a run see fewer updates: {@code min(j, delay)} for unit j), so it approaches the
     * nominal delay as the run gets longer; NaN for a run without units.
     */
    public double[] meanStaleness() {
        double[] mean = new double[staleness.length];
        for (int s = 0; s < mean.length; s++) {
            long sum = 0;
            for (int v : staleness[s]) {
                sum += v;
            }
            mean[s] = staleness[s].length == 0 ? Double.NaN : (double) sum / staleness[s].length;
        }
        return mean;
    }

    /** Total examples. */
    public long totalExamples() {
        long n = 0;
        for (int e : examples) {
            n += e;
        }
        return n;
    }

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
