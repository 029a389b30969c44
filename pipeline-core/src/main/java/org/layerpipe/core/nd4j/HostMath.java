package org.layerpipe.core.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The few vector operations the engine runs between its custom ops, chosen by measured cost:
 * BLAS level-1 calls for whole vectors (ND4J's legacy pairwise and scalar ops cost ~0.2 ms of
 * overhead each, even on a few thousand entries), and plain Java loops for per-channel vectors
 * of a few hundred entries, read and written element by element (no device copy).
 */
final class HostMath {

    private HostMath() {
    }

    /** {@code y ← y + a·x} (same length, contiguous). */
    static void axpy(double a, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().level1().axpy(y.length(), a, flat(x), flat(y));
    }

    /** {@code y ← x}. */
    static void copy(INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().level1().copy(flat(x), flat(y));
    }

    /** {@code x ← a·x}. */
    static void scale(double a, INDArray x) {
        Nd4j.getBlasWrapper().level1().scal(x.length(), a, flat(x));
    }

    /** {@code dst ← src} or {@code dst ← dst + src}. */
    static void write(INDArray src, INDArray dst, boolean accumulate) {
        if (accumulate) {
            axpy(1.0, src, dst);
        } else {
            copy(src, dst);
        }
    }

    private static INDArray flat(INDArray a) {
        return a.rank() == 1 ? a : a.reshape(a.length());
    }

    /** The entries of a short vector, into {@code into} (reused when it has the right length). */
    static double[] read(INDArray v, double[] into) {
        int n = (int) v.length();
        double[] out = into != null && into.length == n ? into : new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.getDouble(i);
        }
        return out;
    }

    /** Sets a short vector's entries. */
    static void set(double[] values, INDArray v) {
        for (int i = 0; i < values.length; i++) {
            v.putScalar(i, values[i]);
        }
    }
}
