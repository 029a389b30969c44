package org.layerpipe.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OneFOneBFlushScheduleTest {

    @Test
    void goldenGridTwoStagesThreeMicrobatches() {
        assertEquals("""
                tick | stage 0 | stage 1
                   0 | F0      | .
                   1 | F1      | F0
                   2 | .       | B0
                   3 | B0      | F1
                   4 | F2      | B1
                   5 | B1      | F2
                   6 | .       | B2 U
                   7 | B2 U    | .
                """, OneFOneBFlushSchedule.generate(2, 1, 3).grid());
    }

    /** Stage s starts with min(M − 1 − s, m) forwards, then alternates, then drains; 2(m + M − 1) ticks like GPipe. */
    @Test
    void goldenGridFourStagesFourMicrobatches() {
        assertEquals("""
                tick | stage 0 | stage 1 | stage 2 | stage 3
                   0 | F0      | .       | .       | .
                   1 | F1      | F0      | .       | .
                   2 | F2      | F1      | F0      | .
                   3 | F3      | F2      | F1      | F0
                   4 | .       | .       | .       | B0
                   5 | .       | .       | B0      | F1
                   6 | .       | B0      | F2      | B1
                   7 | B0      | F3      | B1      | F2
                   8 | .       | B1      | F3      | B2
                   9 | B1      | .       | B2      | F3
                  10 | .       | B2      | .       | B3 U
                  11 | B2      | .       | B3 U    | .
                  12 | .       | B3 U    | .       | .
                  13 | B3 U    | .       | .       | .
                """, OneFOneBFlushSchedule.generate(4, 1, 4).grid());
    }

    @Test
    void everyCaseIsValidNeverStaleAndHoldsAtMostMinMAndMMinusS() {
        ScheduleChecks.everyFlushingCase(ScheduleKind.ONE_F_ONE_B_FLUSH, 6, (s, stage, what) ->
                assertEquals(Math.min(s.microbatches(), s.numStages() - stage), ScheduleChecks.peakHeld(s, stage, Op.BACKWARD), what));
    }
}
