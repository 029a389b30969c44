package org.layerpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeasurementTest {

    @Test
    void lineRoundTrips() {
        Measurement pipeline = ModelResultTest.m("ema-pa", 6041.5, 10.59);
        assertTrue(pipeline.line().startsWith("RESULT weights=ema-pa "));
        assertEquals(pipeline, Measurement.parse(pipeline.line()));
        Measurement back = Measurement.parse(ModelResultTest.m("dl4j", 2399, 26.7).line());
        assertTrue(Double.isNaN(back.efficiency()), "NaN (not measured) survives the line");
        assertEquals("-", back.partition());
    }

    @Test
    void refusesBrokenLines() {
        assertThrows(IllegalArgumentException.class, () -> Measurement.parse("RESULT weights=latest samples_per_second=1"));
        assertThrows(IllegalArgumentException.class, () -> Measurement.parse("weights=latest"));
        assertThrows(IllegalArgumentException.class, () -> new Measurement("two words", 1, 1, 1, "-", "-", 0, 0, 0, 0));
    }
}
