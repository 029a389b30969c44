package org.layerpipe.core.optim;

import org.layerpipe.core.weights.VectorOps;

/**
 * The update of {@link SgdSettings} on one flat range of weights, written once over
 * {@link VectorOps} so that the engine runs it on device vectors and tests check it on
 * {@code double[]} against the formula: with {@code g} the gradient summed over the {@code n}
 * examples since the last update,
 * {@code ĝ = g/n + λ·W;  v ← μ·v + ĝ;  W ← W − η·v}, and with {@code μ = λ = 0} simply
 * {@code W ← W − η·g/n} (no velocity). Its passes over the weights are what an update costs,
 * so the order of operations is chosen to keep them few: plain SGD is one axpy, or a scale and
 * an axpy when the update is kept.
 */
public final class SgdRule {

    private SgdRule() {
    }

    /**
     * Applies one update in place.
     *
     * @param lr         η for this update
     * @param perExample {@code 1/n}
     * @param w          the weights, updated
     * @param g          the summed gradient; overwritten when it is also {@code applied}
     * @param velocity   {@code v}, updated; unused (may be null) for plain SGD
     * @param applied    where to leave the update actually applied, {@code ΔW = W_new − W_old}, for
     *                   a weight history that reads it; null when nobody does. For plain SGD it may
     *                   be {@code g} itself, which saves a copy.
     */
    public static <V> void apply(VectorOps<V> ops, SgdSettings sgd, double lr, double perExample, V w, V g, V velocity, V applied) {
        if (!needsVelocity(sgd)) {
            if (applied == null) {
                ops.axpy(-lr * perExample, g, w);
            } else {
                if (applied != g) {
                    ops.copy(g, applied);
                }
                ops.scale(applied, -lr * perExample);
                ops.axpy(1.0, applied, w);
            }
            return;
        }
        if (velocity == null) {
            throw new IllegalArgumentException("SGD with momentum " + sgd.momentum() + " and weight decay " + sgd.weightDecay()
                    + " needs a velocity vector");
        }
        if (sgd.momentum() > 0) {
            ops.scale(velocity, sgd.momentum());
            ops.axpy(perExample, g, velocity);
        } else {
            ops.copy(g, velocity);
            ops.scale(velocity, perExample);
        }
        if (sgd.weightDecay() > 0) {
            ops.axpy(sgd.weightDecay(), w, velocity);
        }
        if (applied == null) {
            ops.axpy(-lr, velocity, w);
        } else {
            ops.copy(velocity, applied);
            ops.scale(applied, -lr);
            ops.axpy(1.0, applied, w);
        }
    }

    /** Whether {@code sgd} keeps a velocity vector (momentum or weight decay). */
    public static boolean needsVelocity(SgdSettings sgd) {
        return sgd.momentum() != 0 || sgd.weightDecay() != 0;
    }
}
