package org.layerpipe.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WeightHistoryTest {

    private static final int N = 7;
    private static final double[] W0 = HistoryDriver.fill(N, i -> 0.3 * i - 1.0);
    private static final double[] U = HistoryDriver.fill(N, i -> 0.01 * (i + 1) * (i % 2 == 0 ? 1 : -1));

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 6})
    void stashReturnsExactlyTheForwardTimeWeights(int delay) {
        HistoryDriver d = new HistoryDriver(new StashHistory<>(delay, ArrayVectors.INSTANCE), delay, W0);
        // an irregular update, so only an exact copy can match
        d.run(30, (t, w) -> HistoryDriver.fill(N, i -> Math.sin(t * 1.7 + i) * 0.1));
        // every backward but the first (which is not stale) is counted
        assertEquals(30 - delay - 1, d.errors.size());
        for (double e : d.errors) {
            assertEquals(0.0, e, 0.0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 6})
    void stashHoldsExactlyDelayCopiesInSteadyState(int delay) {
        HistoryDriver d = new HistoryDriver(new StashHistory<>(delay, ArrayVectors.INSTANCE), delay, W0);
        d.run(20, HistoryDriver.constant(U));
        assertEquals((long) delay * N * Double.BYTES, d.peakHeld);
    }

    @Test
    void stashOfTheLastStageHoldsNothing() {
        HistoryDriver d = new HistoryDriver(new StashHistory<>(0, ArrayVectors.INSTANCE), 0, W0);
        d.run(10, HistoryDriver.constant(U));
        assertEquals(0, d.peakHeld);
        assertEquals(0, d.maxError());
    }

    @Test
    void stashRefusesMoreVersionsThanItsDelay() {
        StashHistory<double[]> h = new StashHistory<>(1, ArrayVectors.INSTANCE);
        double[] w = W0.clone();
        h.onForward(0, w);
        h.beforeUpdate(0, w);
        h.onForward(1, w);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.beforeUpdate(1, w));
        assertTrue(e.getMessage().contains("weight stash is full (1 versions"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(EmaRule.class)
    void emaIsExactForAConstantUpdate(EmaRule rule) {
        for (int delay : new int[] {1, 2, 4, 6}) {
            WeightHistory<double[]> h = new WeightSettings(WeightMode.EMA, rule, 0.7, false).newHistory(delay, ArrayVectors.INSTANCE);
            HistoryDriver d = new HistoryDriver(h, delay, W0);
            d.run(25, HistoryDriver.constant(U));
            assertEquals(25 - delay - 1, d.errors.size());
            assertTrue(d.maxError() < 1e-9, rule + " delay " + delay + ": max error " + d.maxError());
        }
    }

    @ParameterizedTest
    @EnumSource(EmaRule.class)
    void emaHoldsOneCopyOfTheWeightsAndNothingAtDelayZero(EmaRule rule) {
        for (int delay : new int[] {1, 2, 6}) {
            WeightHistory<double[]> h = new WeightSettings(WeightMode.EMA, rule, 0.7, false).newHistory(delay, ArrayVectors.INSTANCE);
            HistoryDriver d = new HistoryDriver(h, delay, W0);
            d.run(20, HistoryDriver.constant(U));
            assertEquals((long) N * Double.BYTES, d.peakHeld, rule + " delay " + delay);
        }
        WeightHistory<double[]> last = new WeightSettings(WeightMode.EMA, rule, 0.7, false).newHistory(0, ArrayVectors.INSTANCE);
        HistoryDriver d = new HistoryDriver(last, 0, W0);
        d.run(10, HistoryDriver.constant(U));
        assertEquals(0, d.peakHeld);
    }

    @Test
    void pipelineAwareDecayMatchesTheWindow() {
        assertEquals(0.0, EmaRule.PIPELINE_AWARE.beta(1, 0.5));
        assertEquals(1.0 / 3.0, EmaRule.PIPELINE_AWARE.beta(2, 0.5), 1e-15);
        assertEquals(5.0 / 7.0, EmaRule.PIPELINE_AWARE.beta(6, 0.5), 1e-15);
        assertEquals(0.5, EmaRule.FIXED.beta(6, 0.5));
        assertEquals(6.0 / 7.0, EmaRule.WEIGHT_AVERAGE.beta(6, 0.5), 1e-15);
    }

    /**
     * Gradient descent on {@code f(w) = ½ Σ λ_i w_i²} with λ in [0.05, 1]: updates shrink
     * geometrically, so they are not constant but vary smoothly. The reconstruction must stay
     * far closer to the truth than using the current weights (error 1 by definition). The
     * fixed β is 0.7, whose mean lag (1 + β/(1−β) ≈ 3.3) is close to the window's (3.5). The
     * weight average's update estimate has mean lag D + 1 = 7, twice the window's, hence its
     * looser bound (measured here: pipeline-aware 0.042, fixed β 0.7 0.044, weight average
     * 0.19; a fixed β of 0.9, lag 10, gives 0.38).
     */
    @ParameterizedTest
    @EnumSource(EmaRule.class)
    void emaErrorStaysSmallOnAQuadratic(EmaRule rule) {
        double bound = rule == EmaRule.WEIGHT_AVERAGE ? 0.25 : 0.05;
        double max = quadraticError(new WeightSettings(WeightMode.EMA, rule, 0.7, false));
        assertTrue(max < bound, rule + ": max reconstruction error " + max + ", bound " + bound);
        assertEquals(1.0, quadraticError(WeightSettings.latest()), 1e-12);
    }

    private static double quadraticError(WeightSettings settings) {
        double lr = 0.05;
        double[] lambda = HistoryDriver.fill(N, i -> 0.05 + 0.95 * i / (N - 1));
        int delay = 6;
        HistoryDriver d = new HistoryDriver(settings.newHistory(delay, ArrayVectors.INSTANCE), delay, HistoryDriver.fill(N, i -> 1.0 + i));
        d.run(200, (t, w) -> HistoryDriver.fill(N, i -> -lr * lambda[i] * w[i]));
        return d.maxError();
    }

    /**
     * The history keeps its average unnormalised and folds it back now and then; what it hands
     * out must still be the textbook recursion {@code e ← β·e + (1−β)·ΔW},
     * {@code Ŵ = W − d·e/(1−β^k)}, over enough irregular updates to fold many times (β = 1/3
     * folds every 26 updates, β = 0.99 once; β = 0 is the pipeline-aware rule at delay 1).
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0 / 3.0, 0.7, 0.99})
    void emaEqualsTheTwoPassRecursion(double beta) {
        int delay = 3;
        WeightHistory<double[]> h = new EmaHistory<>(delay, beta, ArrayVectors.INSTANCE);
        Random random = new Random(7);
        double[] w = HistoryDriver.fill(N, i -> 1.0 + i);
        double[] e = new double[N];
        double betaPowK = 1.0;
        double[] scratch = new double[N];
        int updates = 3000;
        for (int k = 1; k <= updates; k++) {
            h.beforeUpdate(k - 1, w);
            double[] applied = HistoryDriver.fill(N, i -> random.nextGaussian() * 1e-2);
            ArrayVectors.INSTANCE.axpy(1.0, applied, w);
            h.afterUpdate(k, applied, w);
            for (int i = 0; i < N; i++) {
                e[i] = beta * e[i] + (1 - beta) * applied[i];
            }
            betaPowK *= beta;
            h.onForward(k, w);
            double[] used = h.weightsForBackward(k - delay, k, w, scratch);
            for (int i = 0; i < N; i++) {
                double expected = w[i] - delay * e[i] / (1 - betaPowK);
                assertEquals(expected, used[i], 1e-12 * Math.max(1.0, Math.abs(expected)), "beta " + beta + ", update " + k + ", entry " + i);
            }
        }
        double foldEvery = beta == 0.0 ? 0 : Math.log(EmaHistory.RENORMALISE_BELOW) / Math.log(beta);
        assertTrue(foldEvery < updates, "the test never reached a renormalisation (every " + foldEvery + " updates)");
    }

    @Test
    void shadowReportsTheReconstructionErrorAndKeepsTheInnerAnswer() {
        int delay = 4;
        WeightHistory<double[]> h = WeightSettings.emaFixed(0.5).withShadow(true).newHistory(delay, ArrayVectors.INSTANCE);
        HistoryDriver d = new HistoryDriver(h, delay, W0);
        d.run(40, (t, w) -> HistoryDriver.fill(N, i -> Math.sin(t * 0.3 + i) * 0.05));
        ReconstructionStats stats = h.drainReconstructionStats();
        assertEquals(d.errors.size(), stats.count());
        double mean = d.errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(mean, stats.mean(), 1e-12);
        assertEquals(d.maxError(), stats.max(), 1e-12);
        assertTrue(stats.max() > 0, "an irregular update must show some error");
        assertEquals(0, h.drainReconstructionStats().count(), "drain resets");
        assertEquals((long) N * Double.BYTES, h.heldBytes(), "the shadow's own copies are not the mode's memory");
    }

    /**
     * Per block: the shadow's error of each segment equals that of a shadowed history kept on the
     * segment alone, fed the same slice of every update (the EMA is elementwise) — for each rule.
     */
    @Test
    void shadowMeasuresEachBlockOnItsOwn() {
        int delay = 4;
        int split = N / 3;
        for (WeightSettings w : new WeightSettings[] {WeightSettings.emaFixed(0.5), WeightSettings.ema(EmaRule.PIPELINE_AWARE),
                WeightSettings.ema(EmaRule.WEIGHT_AVERAGE), WeightSettings.latest()}) {
            WeightSettings shadowed = w.withShadow(true);
            WeightHistory<double[]> whole = shadowed.newHistory(delay, ArrayVectors.INSTANCE, new long[] {split, N});
            WeightHistory<double[]> first = shadowed.newHistory(delay, ArrayVectors.INSTANCE);
            WeightHistory<double[]> second = shadowed.newHistory(delay, ArrayVectors.INSTANCE);
            // the second block's updates grow, so its error differs from the first's
            HistoryDriver.UpdateRule rule = (t, x) -> HistoryDriver.fill(N, i -> Math.sin(t * 0.3 + i) * 0.05 * (i < split ? 1 : 1 + t));
            new HistoryDriver(whole, delay, W0).run(40, rule);
            new HistoryDriver(first, delay, java.util.Arrays.copyOfRange(W0, 0, split))
                    .run(40, (t, x) -> java.util.Arrays.copyOfRange(rule.update(t, x), 0, split));
            new HistoryDriver(second, delay, java.util.Arrays.copyOfRange(W0, split, N))
                    .run(40, (t, x) -> java.util.Arrays.copyOfRange(rule.update(t, x), split, N));
            double[] segments = whole.drainReconstructionStats().segmentMeans();
            assertEquals(2, segments.length, w.toString());
            assertEquals(first.drainReconstructionStats().mean(), segments[0], 1e-12, w + " block 0");
            assertEquals(second.drainReconstructionStats().mean(), segments[1], 1e-12, w + " block 1");
            assertTrue(Math.abs(segments[0] - segments[1]) > 1e-6 || w.mode() == WeightMode.LATEST, w + ": the blocks differ");
        }
    }

    @Test
    void latestKeepsNothingAndNeverWrites() {
        LatestHistory<double[]> h = new LatestHistory<>();
        double[] w = W0.clone();
        double[] target = new double[N];
        h.onForward(0, w);
        h.beforeUpdate(0, w);
        h.afterUpdate(1, U, w);
        assertSame(w, h.weightsForBackward(0, 1, w, target));
        assertEquals(0, h.heldBytes());
    }

    @Test
    void settingsValidateAndLabel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WeightSettings(WeightMode.EMA, EmaRule.FIXED, 1.0, false));
        assertEquals("EMA beta must be in [0, 1), got 1.0", e.getMessage());
        assertEquals("ema-b0.99", WeightSettings.emaFixed(0.99).label());
        assertEquals("ema-pa", WeightSettings.ema(EmaRule.PIPELINE_AWARE).label());
        assertEquals(EmaRule.WEIGHT_AVERAGE, EmaRule.parse("weight-average"));
        assertEquals(WeightMode.STASH, WeightMode.parse(" Stash "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> WeightMode.parse("stale"));
        assertEquals("unknown weight mode 'stale': use one of latest, stash, ema", bad.getMessage());
    }
}
