package org.layerpipe.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** A history restored from its state between epochs hands the next epoch's backwards exactly the weights the original would. */
class HistoryStateTest {

    private static final int N = 5;
    private static final int DELAY = 4;

    /** What one epoch of a stage of delay {@link #DELAY} did: the weights each backward got, and the bytes held at the end. */
    private record Epoch(List<double[]> used, long held) {
    }

    /**
     * One epoch of {@code n} minibatches: forward, the backward of the minibatch {@code DELAY} before, an update
     * (irregular, so only exact state reproduces it); then the drain of the last {@code DELAY} backwards, as the
     * executor ends an epoch.
     */
    private static Epoch epoch(WeightHistory<double[]> h, double[] w, long[] version, int n) {
        List<double[]> used = new ArrayList<>();
        long[] forwardVersion = new long[n];
        double[] scratch = new double[N];
        for (int t = 0; t < n + DELAY; t++) {
            if (t < n) {
                h.onForward(version[0], w);
                forwardVersion[t] = version[0];
            }
            int j = t - DELAY;
            if (j >= 0) {
                used.add(h.weightsForBackward(forwardVersion[j], version[0], w, scratch).clone());
                h.beforeUpdate(version[0], w);
                double[] applied = new double[N];
                for (int i = 0; i < N; i++) {
                    applied[i] = 0.05 * Math.sin(1.3 * version[0] + i) - 0.01 * w[i];
                    w[i] += applied[i];
                }
                version[0]++;
                h.afterUpdate(version[0], applied, w);
            }
        }
        return new Epoch(used, h.heldBytes());
    }

    private static void resumedEqualsStraight(Supplier<WeightHistory<double[]>> make, boolean stateMatters) {
        WeightHistory<double[]> straight = make.get();
        double[] w = HistoryDriver.fill(N, i -> 0.2 * i - 0.5);
        long[] version = {0};
        epoch(straight, w, version, 9);
        HistoryState<double[]> state = straight.state();
        WeightHistory<double[]> resumed = make.get();
        resumed.restore(state, w);
        WeightHistory<double[]> fresh = make.get();

        double[] w2 = w.clone();
        long[] v2 = version.clone();
        double[] w3 = w.clone();
        long[] v3 = version.clone();
        Epoch a = epoch(straight, w, version, 7);
        Epoch b = epoch(resumed, w2, v2, 7);
        Epoch c = epoch(fresh, w3, v3, 7);
        assertEquals(a.used().size(), b.used().size());
        for (int k = 0; k < a.used().size(); k++) {
            assertArrayEquals(a.used().get(k), b.used().get(k), 0.0, "backward " + k);
        }
        assertArrayEquals(w, w2, 0.0);
        assertEquals(a.held(), b.held());
        if (stateMatters) {
            // the check can fail: a history that starts over instead reconstructs other weights
            boolean differs = false;
            for (int k = 0; k < a.used().size(); k++) {
                differs |= !Arrays.equals(a.used().get(k), c.used().get(k));
            }
            assertTrue(differs, "a fresh history should reconstruct differently");
        }
    }

    @Test
    void everyHistoryResumesBitForBit() {
        resumedEqualsStraight(() -> new StashHistory<>(DELAY, ArrayVectors.INSTANCE), false);
        resumedEqualsStraight(LatestHistory::new, false);
        resumedEqualsStraight(() -> new EmaHistory<>(DELAY, EmaRule.PIPELINE_AWARE.beta(DELAY, 0.9), ArrayVectors.INSTANCE), true);
        resumedEqualsStraight(() -> new EmaHistory<>(DELAY, 0.9, ArrayVectors.INSTANCE), true);
        resumedEqualsStraight(() -> new WeightAverageHistory<>(DELAY, ArrayVectors.INSTANCE), true);
        resumedEqualsStraight(() -> new ShadowedHistory<>(new EmaHistory<>(DELAY, 0.6, ArrayVectors.INSTANCE), DELAY,
                ArrayVectors.INSTANCE), true);
    }

    @Test
    void aStashKeepsItsBuffersAcrossTheCheckpoint() {
        StashHistory<double[]> h = new StashHistory<>(DELAY, ArrayVectors.INSTANCE);
        double[] w = new double[N];
        epoch(h, w, new long[] {0}, 9);
        HistoryState<double[]> state = h.state();
        assertEquals(DELAY, state.counts().get("buffers"));
        assertTrue(state.vectors().isEmpty(), "a drained stash holds no version");
        StashHistory<double[]> restored = new StashHistory<>(DELAY, ArrayVectors.INSTANCE);
        restored.restore(state, w);
        assertEquals(h.heldBytes(), restored.heldBytes());
        assertEquals(h.peakBytes(), restored.peakBytes());
    }

    @Test
    void aStashInTheMiddleOfAnEpochRefusesToBeCheckpointed() {
        StashHistory<double[]> h = new StashHistory<>(DELAY, ArrayVectors.INSTANCE);
        h.onForward(0, new double[N]);
        IllegalStateException e = assertThrows(IllegalStateException.class, h::state);
        assertTrue(e.getMessage().contains("pipeline has drained"), e.getMessage());
    }

    @Test
    void aStateOfAnotherKindIsRefused() {
        EmaHistory<double[]> ema = new EmaHistory<>(DELAY, 0.6, ArrayVectors.INSTANCE);
        epoch(ema, new double[N], new long[] {0}, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StashHistory<double[]>(DELAY, ArrayVectors.INSTANCE).restore(ema.state(), new double[N]));
        assertEquals("the checkpoint holds a ema weight history, the trial uses stash", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new EmaHistory<double[]>(DELAY, 0.5, ArrayVectors.INSTANCE).restore(ema.state(), new double[N]));
        assertTrue(e.getMessage().contains("beta 0.6"), e.getMessage());
    }

    @Test
    void theShadowIsADiagnosticACheckpointCanGainOrLose() {
        EmaHistory<double[]> plain = new EmaHistory<>(DELAY, 0.6, ArrayVectors.INSTANCE);
        double[] w = new double[N];
        epoch(plain, w, new long[] {0}, 6);
        ShadowedHistory<double[]> shadowed = new ShadowedHistory<>(new EmaHistory<>(DELAY, 0.6, ArrayVectors.INSTANCE), DELAY,
                ArrayVectors.INSTANCE);
        shadowed.restore(plain.state(), w);
        assertEquals(plain.heldBytes(), shadowed.heldBytes());
        EmaHistory<double[]> back = new EmaHistory<>(DELAY, 0.6, ArrayVectors.INSTANCE);
        back.restore(shadowed.state(), w);
        assertEquals(plain.state().numbers(), back.state().numbers());
        assertFalse(back.state().counts().containsKey(ShadowedHistory.SHADOW_BUFFERS));
    }
}
