package org.layerpipe.core.nd4j;

import org.layerpipe.core.weights.VectorOps;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

/** {@link VectorOps} on flat ND4J vectors, allocation-free where ND4J allows (BLAS axpy, in-place scale). */
public final class Nd4jVectors implements VectorOps<INDArray> {

    public static final Nd4jVectors INSTANCE = new Nd4jVectors();

    private Nd4jVectors() {
    }

    @Override
    public INDArray zerosLike(INDArray like) {
        return Nd4j.zeros(like.dataType(), like.length());
    }

    @Override
    public void copy(INDArray src, INDArray dst) {
        HostMath.copy(src, dst);
    }

    @Override
    public void scale(INDArray v, double a) {
        HostMath.scale(a, v);
    }

    @Override
    public void axpy(double a, INDArray x, INDArray y) {
        HostMath.axpy(a, x, y);
    }

    @Override
    public double distance(INDArray a, INDArray b) {
        return a.distance2(b);
    }

    @Override
    public double distance(INDArray a, INDArray b, long from, long to) {
        if (from == 0 && to == a.length()) {
            return a.distance2(b);
        }
        // views: the shadow diagnostic's per-block errors, not a hot path
        return a.get(NDArrayIndex.interval(from, to)).distance2(b.get(NDArrayIndex.interval(from, to)));
    }

    @Override
    public long bytes(INDArray v) {
        return v.length() * v.dataType().width();
    }
}
