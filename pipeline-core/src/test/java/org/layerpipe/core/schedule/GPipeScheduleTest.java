package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GPipeScheduleTest {

    @Test
    void goldenGridTwoStagesTwoMinibatchesOfTwoMicrobatches() {
        // base = g·2(m+M−1) = 6g; F at base+i+s; B at base+3+(1−s)+(1−i); U after microbatch 0's B.
        assertEquals("""
                tick | stage 0 | stage 1
                   0 | F0      | .
                   1 | F1      | F0
                   2 | .       | F1
                   3 | .       | B1
                   4 | B1      | B0 U
                   5 | B0 U    | .
                   6 | F2      | .
                   7 | F3      | F2
                   8 | .       | F3
                   9 | .       | B3
                  10 | B3      | B2 U
                  11 | B2 U    | .
                """, GPipeSchedule.generate(2, 2, 2).grid());
    }

    @Test
    void unitsAreMinibatchesTimesMicrobatches() {
        Schedule schedule = GPipeSchedule.generate(3, 2, 4);
        assertEquals(ScheduleKind.GPIPE, schedule.kind());
        assertEquals(8, schedule.numUnits());
        assertEquals(4, schedule.microbatches());
        // Two minibatches of 2(m+M−1) = 12 ticks each.
        assertEquals(24, schedule.numTicks());
        // The update names the last microbatch accumulated: microbatch 0 of the minibatch.
        assertEquals(java.util.List.of(0, 0, 0, 4, 4, 4), schedule.events().stream()
                .filter(event -> event.op() == Op.UPDATE).map(Event::minibatch).toList());
    }

    @Test
    void everyCaseIsValidNeverStaleAndHoldsAllItsMicrobatches() {
        // GPipe runs every forward of a minibatch before its first backward: each stage holds all m microbatches
        ScheduleChecks.everyFlushingCase(ScheduleKind.GPIPE, 4, (s, stage, what) ->
                assertEquals(s.microbatches(), ScheduleChecks.peakHeld(s, stage, Op.BACKWARD), what));
    }

    @Test
    void rejectsEmptyMinibatchesAndMicrobatches() {
        assertEquals("numMinibatches must be >= 1 but was 0: a schedule needs at least one minibatch",
                assertThrows(IllegalArgumentException.class, () -> GPipeSchedule.generate(2, 0, 2)).getMessage());
        assertEquals("microbatches must be >= 1 but was 0: use 1 for no microbatching",
                assertThrows(IllegalArgumentException.class, () -> GPipeSchedule.generate(2, 2, 0)).getMessage());
    }
}
