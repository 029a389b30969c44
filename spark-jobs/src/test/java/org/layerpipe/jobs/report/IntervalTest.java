package org.layerpipe.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The report's interval arithmetic against hand-computed cases and a printed t table. */
class IntervalTest {

    @Test
    void threeSeedsByHand() {
        // mean 0.82; deviations ±0.02, 0 → sd = sqrt(0.0008 / 2) = 0.02; t(0.975, 2) = 4.303; 4.303 · 0.02 / √3 = 0.04969
        Interval i = Interval.of(List.of(0.80, 0.82, 0.84));
        assertEquals(0.82, i.mean(), 1e-12);
        assertEquals(0.02, i.sd(), 1e-12);
        assertEquals(4.303, i.t(), 5e-4);
        assertEquals(0.0497, i.halfWidth(), 5e-5);
        assertEquals(0.82 - 0.0497, i.low(), 5e-5);
        assertFalse(i.containsZero());
    }

    @Test
    void tQuantilesMatchThePrintedTable() {
        // two-sided 95 % column of a Student-t table
        double[][] table = {{1, 12.706}, {2, 4.303}, {4, 2.776}, {9, 2.262}, {29, 2.045}, {120, 1.980}};
        for (double[] row : table) {
            assertEquals(row[1], Interval.tQuantile((int) row[0]), 5e-4, "df " + (int) row[0]);
        }
    }

    @Test
    void pairedDifferencesWhoseIntervalHoldsZeroAreWithinNoise() {
        // differences −0.01, 0.01, 0.03: mean 0.01, sd 0.02, half-width 0.0497 → [−0.0397, 0.0597] contains 0
        Interval d = Interval.of(List.of(-0.01, 0.01, 0.03));
        assertEquals(0.01, d.mean(), 1e-12);
        assertTrue(d.containsZero());
        Interval clear = Interval.of(List.of(-0.05, -0.04, -0.06));
        assertEquals(-0.05, clear.mean(), 1e-12);
        assertFalse(clear.containsZero(), "all three seeds ~5 points lower with sd 1 point is outside noise");
    }

    @Test
    void oneSeedHasNoInterval() {
        Interval i = Interval.of(List.of(0.7));
        assertEquals(0.7, i.mean());
        assertTrue(Double.isNaN(i.halfWidth()));
        assertFalse(i.containsZero(), "an unknown interval is never reported as within noise");
        assertThrows(IllegalArgumentException.class, () -> Interval.of(List.of()));
    }
}
