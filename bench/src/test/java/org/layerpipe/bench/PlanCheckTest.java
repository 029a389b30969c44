package org.layerpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PlanCheckTest {

    private static Measurement m(String label, double samplesPerSecond) {
        return new Measurement(label, samplesPerSecond, 64_000 / samplesPerSecond, 0.9, "0.90,0.80", "[2,3]", 0, 0, 0, 0);
    }

    @Test
    void errorIsPredictedOverMeasuredThroughputMinusOne() {
        PlanCheck optimistic = new PlanCheck("mlp", "gpipe", m("gpipe", 1000), m("gpipe-predicted", 1150), List.of(0.15));
        assertEquals(0.15, optimistic.error(), 1e-12);
        assertTrue(optimistic.withinTolerance());
        PlanCheck pessimistic = new PlanCheck("mlp", "gpipe", m("gpipe", 1000), m("gpipe-predicted", 840), List.of(-0.2, -0.16, 0.01));
        assertEquals(-0.16, pessimistic.error(), 1e-12);
        assertFalse(pessimistic.withinTolerance());
        assertEquals("-16.0 %", pessimistic.row()[5]);
        assertEquals("no", pessimistic.row()[6]);
        assertEquals("-20.0 % / -16.0 % / +1.0 %", pessimistic.row()[9]);
    }

    @Test
    void jsonCarriesBothFiguresAndTheError() {
        PlanCheck c = new PlanCheck("cnn", "1f1b", m("1f1b", 2000), m("1f1b-predicted", 1900), List.of(-0.05, 0.02));
        assertEquals("[2,3]", c.json().get("partition"));
        assertEquals(2000.0, (double) c.json().get("measured_samples_per_second"), 1e-9);
        assertEquals(-0.05, (double) c.json().get("error"), 1e-12);
        assertEquals(List.of(-0.05, 0.02), c.json().get("round_errors"));
        assertEquals(PlanCheck.header().length, c.row().length);
    }

    @Test
    void aMissingMeasurementIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PlanCheck("cnn", "1f1b", null, m("1f1b-predicted", 1), List.of()));
    }
}
