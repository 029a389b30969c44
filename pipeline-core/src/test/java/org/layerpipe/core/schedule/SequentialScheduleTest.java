package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SequentialScheduleTest {

    @Test
    void goldenGridTwoStagesTwoUnits() {
        // base = j·(2M−1) = 3j; F at base+s, B at base+2(M−1)−s.
        assertEquals("""
                tick | stage 0 | stage 1
                   0 | F0      | .
                   1 | .       | F0 B0
                   2 | B0      | .
                   3 | F1      | .
                   4 | .       | F1 B1
                   5 | B1      | .
                """, SequentialSchedule.generate(2, 2).grid());
    }

    @Test
    void neverStale() {
        for (int stages = 1; stages <= 6; stages++) {
            for (int units = 1; units <= 12; units++) {
                int[][] staleness = Staleness.updatesBetweenForwardAndBackward(SequentialSchedule.generate(stages, units));
                for (int[] stage : staleness) {
                    for (int updates : stage) {
                        assertEquals(0, updates, "M=" + stages + " units=" + units);
                    }
                }
            }
        }
    }

    @Test
    void singleStageRunsForwardBackwardUpdateEachTick() {
        Schedule schedule = SequentialSchedule.generate(1, 2);
        assertEquals(java.util.List.of(
                new Event(0, 0, 0, Op.FORWARD), new Event(0, 0, 0, Op.BACKWARD), new Event(0, 0, 0, Op.UPDATE),
                new Event(1, 0, 1, Op.FORWARD), new Event(1, 0, 1, Op.BACKWARD), new Event(1, 0, 1, Op.UPDATE)),
                schedule.events());
    }
}
