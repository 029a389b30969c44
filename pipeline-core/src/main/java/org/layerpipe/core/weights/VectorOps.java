package org.layerpipe.core.weights;

/**
 * The few vector operations a weight history needs, over a flat parameter vector of type
 * {@code V}. Keeping histories generic over this interface lets the reconstruction math be
 * plain Java (tested on {@code double[]}) while stages run it on device arrays.
 *
 * <p>All operations are in place on their last argument unless they return a value.
 */
public interface VectorOps<V> {

    /** A new zero vector of the same length (and precision) as {@code like}. */
    V zerosLike(V like);

    /** {@code dst ← src}. */
    void copy(V src, V dst);

    /** {@code v ← a·v}. */
    void scale(V v, double a);

    /** {@code y ← y + a·x}. */
    void axpy(double a, V x, V y);

    /** Euclidean distance {@code ‖a − b‖₂}. */
    double distance(V a, V b);

    /** Euclidean distance of the entries {@code [from, to)} of {@code a} and {@code b}. */
    double distance(V a, V b, long from, long to);

    /** Bytes the vector occupies. */
    long bytes(V v);
}
