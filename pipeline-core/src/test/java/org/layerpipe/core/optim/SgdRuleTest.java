package org.layerpipe.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.weights.ArrayVectors;

/** {@link SgdRule} against updates computed by hand from {@code ĝ = g/n + λW; v ← μv + ĝ; W ← W − ηv}. */
class SgdRuleTest {

    private static final double EPS = 1e-15;
    private static final ArrayVectors OPS = ArrayVectors.INSTANCE;

    @Test
    void twoHeavyBallStepsWithWeightDecayMatchTheHandComputedOnes() {
        SgdSettings sgd = new SgdSettings(0.9, 0.1);
        double[] w = {1.0, -2.0};
        double[] v = new double[2];
        double[] applied = new double[2];
        // step 1: ĝ = [0.4, 0.2]/2 + 0.1·[1, -2] = [0.3, -0.1]; v = ĝ; W = [1, -2] - 0.5·v
        SgdRule.apply(OPS, sgd, 0.5, 0.5, w, new double[] {0.4, 0.2}, v, applied);
        assertArrayEquals(new double[] {0.3, -0.1}, v, EPS);
        assertArrayEquals(new double[] {0.85, -1.95}, w, EPS);
        assertArrayEquals(new double[] {-0.15, 0.05}, applied, EPS);
        // step 2: ĝ = [-0.2, 0.6]/2 + 0.1·[0.85, -1.95] = [-0.015, 0.105]; v = 0.9·[0.3, -0.1] + ĝ = [0.255, 0.015]
        SgdRule.apply(OPS, sgd, 0.5, 0.5, w, new double[] {-0.2, 0.6}, v, applied);
        assertArrayEquals(new double[] {0.255, 0.015}, v, EPS);
        assertArrayEquals(new double[] {0.7225, -1.9575}, w, EPS);
        assertArrayEquals(new double[] {-0.1275, -0.0075}, applied, EPS);
    }

    @Test
    void withoutAppliedVectorTheWeightsMoveTheSameWay() {
        SgdSettings sgd = new SgdSettings(0.9, 0.1);
        double[] kept = {1.0, -2.0};
        double[] notKept = kept.clone();
        double[] v1 = new double[2];
        double[] v2 = new double[2];
        for (double[] g : new double[][] {{0.4, 0.2}, {-0.2, 0.6}}) {
            SgdRule.apply(OPS, sgd, 0.5, 0.5, kept, g.clone(), v1, new double[2]);
            SgdRule.apply(OPS, sgd, 0.5, 0.5, notKept, g.clone(), v2, null);
        }
        assertArrayEquals(kept, notKept, EPS);
        assertArrayEquals(new double[] {0.7225, -1.9575}, notKept, EPS);
    }

    @Test
    void weightDecayWithoutMomentumUsesTheVelocityAsScratchOnly() {
        double[] w = {1.0, -2.0};
        double[] v = {7.0, 7.0}; // a previous update's velocity must not leak in when μ = 0
        SgdRule.apply(OPS, new SgdSettings(0.0, 0.1), 0.5, 0.5, w, new double[] {0.4, 0.2}, v, null);
        assertArrayEquals(new double[] {0.85, -1.95}, w, EPS);
    }

    @Test
    void plainSgdIsOneStepDownTheMeanGradientAndCanLeaveTheUpdateInTheGradient() {
        double[] w = {1.0, -2.0};
        double[] g = {0.4, 0.2};
        SgdRule.apply(OPS, SgdSettings.PLAIN, 0.5, 0.5, w, g, null, g);
        assertArrayEquals(new double[] {0.9, -2.05}, w, EPS);
        assertArrayEquals(new double[] {-0.1, -0.05}, g, EPS);
        double[] w2 = {1.0, -2.0};
        double[] g2 = {0.4, 0.2};
        SgdRule.apply(OPS, SgdSettings.PLAIN, 0.5, 0.5, w2, g2, null, null);
        assertArrayEquals(w, w2, EPS);
        assertArrayEquals(new double[] {0.4, 0.2}, g2, EPS, "without a kept update the gradient is only read");
    }

    @Test
    void momentumWithoutVelocityIsRefusedInOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SgdRule.apply(OPS, new SgdSettings(0.9, 0.0), 0.1, 1.0, new double[1], new double[1], null, null));
        assertTrue(e.getMessage().contains("needs a velocity vector"), e.getMessage());
        assertTrue(SgdRule.needsVelocity(new SgdSettings(0.0, 0.1)));
        assertSame(false, SgdRule.needsVelocity(SgdSettings.PLAIN));
    }
}
