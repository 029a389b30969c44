package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerPipe2ScheduleTest {

    @Test
    void reproducesTheReferenceGridOfTheDesign() {
        assertEquals("""
                tick | stage 0 | stage 1 | stage 2
                   0 | F0      | .       | .
                   1 | F1      | F0      | .
                   2 | F2      | F1      | F0 B0
                   3 | F3      | F2 B0   | F1 B1
                   4 | F4 B0   | F3 B1   | F2 B2
                   5 | B1      | F4 B2   | F3 B3
                   6 | B2      | B3      | F4 B4
                   7 | B3      | B4      | .
                   8 | B4      | .       | .
                """, LayerPipe2Schedule.generate(3, 5).grid());
    }

    @Test
    void eachBackwardIsFollowedByItsUpdateInTheSameTick() {
        Schedule schedule = LayerPipe2Schedule.generate(3, 5);
        assertEquals(ScheduleKind.LAYERPIPE2, schedule.kind());
        assertEquals(1, schedule.microbatches());
        assertEquals(9, schedule.numTicks());
        assertEquals(java.util.List.of(
                new Event(4, 0, 4, Op.FORWARD),
                new Event(4, 0, 0, Op.BACKWARD),
                new Event(4, 0, 0, Op.UPDATE),
                new Event(4, 1, 3, Op.FORWARD),
                new Event(4, 1, 1, Op.BACKWARD),
                new Event(4, 1, 1, Op.UPDATE),
                new Event(4, 2, 2, Op.FORWARD),
                new Event(4, 2, 2, Op.BACKWARD),
                new Event(4, 2, 2, Op.UPDATE)), schedule.eventsAt(4));
    }

    @Test
    void stageAppliesTwoSUpdatesBetweenForwardAndBackward() {
        for (int stages = 1; stages <= 6; stages++) {
            for (int units = 1; units <= 12; units++) {
                int[][] staleness = Staleness.updatesBetweenForwardAndBackward(LayerPipe2Schedule.generate(stages, units));
                for (int stage = 0; stage < stages; stage++) {
                    int after = stages - 1 - stage;
                    for (int unit = 0; unit < units; unit++) {
                        assertEquals(Math.min(unit, 2 * after), staleness[stage][unit],
                                "M=" + stages + " units=" + units + " stage " + stage + " unit " + unit);
                    }
                }
            }
        }
    }
}
