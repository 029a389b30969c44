package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventTest {

    @Test
    void rejectsNegativeFieldsAndMissingOp() {
        assertMessage("tick must be >= 0 but was -1: ticks count from 0", () -> new Event(-1, 0, 0, Op.FORWARD));
        assertMessage("stage must be >= 0 but was -2: stages count from 0", () -> new Event(0, -2, 0, Op.FORWARD));
        assertMessage("minibatch must be >= 0 but was -3: units of data count from 0",
                () -> new Event(0, 0, -3, Op.BACKWARD));
        assertMessage("op is missing (null): use FORWARD, BACKWARD, WEIGHT or UPDATE", () -> new Event(0, 0, 0, null));
    }

    @Test
    void opsAreDeclaredInTheirOrderWithinATick() {
        assertEquals(java.util.List.of(Op.FORWARD, Op.BACKWARD, Op.WEIGHT, Op.UPDATE), java.util.List.of(Op.values()));
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action::run).getMessage());
    }
}
