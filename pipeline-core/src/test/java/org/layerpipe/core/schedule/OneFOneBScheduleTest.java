package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OneFOneBScheduleTest {

    @Test
    void goldenGridThreeStagesFourUnits() {
        // F of unit j at stage s at 2j+s, B at 2j+2M−1−s = 2j+5−s.
        assertEquals("""
                tick | stage 0 | stage 1 | stage 2
                   0 | F0      | .       | .
                   1 | .       | F0      | .
                   2 | F1      | .       | F0
                   3 | .       | F1      | B0
                   4 | F2      | B0      | F1
                   5 | B0      | F2      | B1
                   6 | F3      | B1      | F2
                   7 | B1      | F3      | B2
                   8 | .       | B2      | F3
                   9 | B2      | .       | B3
                  10 | .       | B3      | .
                  11 | B3      | .       | .
                """, OneFOneBSchedule.generate(3, 4).grid());
    }

    @Test
    void stageAppliesSUpdatesBetweenForwardAndBackward() {
        for (int stages = 1; stages <= 6; stages++) {
            for (int units = 1; units <= 12; units++) {
                int[][] staleness = Staleness.updatesBetweenForwardAndBackward(OneFOneBSchedule.generate(stages, units));
                for (int stage = 0; stage < stages; stage++) {
                    int after = stages - 1 - stage;
                    for (int unit = 0; unit < units; unit++) {
                        assertEquals(Math.min(unit, after), staleness[stage][unit],
                                "M=" + stages + " units=" + units + " stage " + stage + " unit " + unit);
                    }
                }
            }
        }
    }
}
