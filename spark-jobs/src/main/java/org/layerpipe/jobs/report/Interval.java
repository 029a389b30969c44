package org.layerpipe.jobs.report;

import java.util.List;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean of n independent values (seeds) with its two-sided 95 % confidence interval from
 * Student's t with n − 1 degrees of freedom: {@code mean ± t(0.975, n−1) · sd / √n}, sd the
 * sample standard deviation (n − 1 in the denominator). With one value the interval is
 * unknown (NaN half-width): one seed says nothing about the noise.
 *
 * @param values    the values, in the order given
 * @param mean      their mean
 * @param sd        sample standard deviation (NaN for n = 1)
 * @param t         the t quantile used (NaN for n = 1)
 * @param halfWidth {@code t · sd / √n} (NaN for n = 1)
 */
public record Interval(List<Double> values, double mean, double sd, double t, double halfWidth) {

    /** Coverage of every interval the report prints. */
    public static final double LEVEL = 0.95;

    public Interval {
        values = List.copyOf(values);
    }

    public static Interval of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an interval needs at least one value");
        }
        int n = values.size();
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Interval(values, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double t = tQuantile(n - 1);
        return new Interval(values, mean, sd, t, t * sd / Math.sqrt(n));
    }

    /** {@code t(1 − (1 − LEVEL)/2, df)}, from Spark's Apache Commons Math. */
    static double tQuantile(int df) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - LEVEL) / 2);
    }

    public int n() {
        return values.size();
    }

    public double low() {
        return mean - halfWidth;
    }

    public double high() {
        return mean + halfWidth;
    }

    /** True when the interval is known and contains 0: a difference the seeds cannot tell from noise. */
    public boolean containsZero() {
        return !Double.isNaN(halfWidth) && low() <= 0 && high() >= 0;
    }
}
