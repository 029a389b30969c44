package org.layerpipe.core.weights;

import java.util.Arrays;

/** {@link VectorOps} on plain {@code double[]}: the reference implementation, used in tests and toy problems. */
public final class ArrayVectors implements VectorOps<double[]> {

    public static final ArrayVectors INSTANCE = new ArrayVectors();

    private ArrayVectors() {
    }

    @Override
    public double[] zerosLike(double[] like) {
        return new double[like.length];
    }

    @Override
    public void copy(double[] src, double[] dst) {
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    @Override
    public void scale(double[] v, double a) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= a;
        }
    }

    @Override
    public void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    @Override
    public double distance(double[] a, double[] b) {
        return distance(a, b, 0, a.length);
    }

    @Override
    public double distance(double[] a, double[] b, long from, long to) {
        double sum = 0;
        for (int i = (int) from; i < to; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    @Override
    public long bytes(double[] v) {
        return (long) v.length * Double.BYTES;
    }

    /** A copy, for callers that keep a snapshot. */
    public static double[] snapshot(double[] v) {
        return Arrays.copyOf(v, v.length);
    }
}
