package org.layerpipe.core.optim;

/**
 * Stochastic gradient descent with optional heavy-ball momentum and decoupled-from-loss L2
 * weight decay, as a stage applies it:
 * {@code g = ∇/n + λ·W;  v ← μ·v + g;  W ← W − η·v} (η is given per update, so learning-rate
 * schedules stay outside). With μ = λ = 0 this is Deeplearning4j's {@code Sgd} updater.
 *
 * @param momentum    μ in [0, 1)
 * @param weightDecay λ ≥ 0
 */
public record SgdSettings(double momentum, double weightDecay) {

    public static final SgdSettings PLAIN = new SgdSettings(0.0, 0.0);

    public SgdSettings {
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
    }
}
