package org.layerpipe.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks that several schedules' tests share. */
final class ScheduleChecks {

    private ScheduleChecks() {
    }

    /** A check of one stage of one schedule; {@code what} names the case for the failure message. */
    @FunctionalInterface
    interface StageCheck {
        void check(Schedule s, int stage, String what);
    }

    /** No violation of the validator's invariants, and no update between any unit's forward and its backward. */
    static void assertValidAndNeverStale(Schedule s, String what) {
        assertEquals(List.of(), ScheduleValidator.violations(s), what);
        for (int[] stage : Staleness.updatesBetweenForwardAndBackward(s)) {
            for (int updates : stage) {
                assertEquals(0, updates, what);
            }
        }
    }

    /**
     * Every case of a flushing schedule with M = 1..6 stages, m = 1..{@code maxMicrobatches} microbatches
     * and 1..3 minibatches: valid, never stale, and {@code stageCheck} holds at each stage.
     */
    static void everyFlushingCase(ScheduleKind kind, int maxMicrobatches, StageCheck stageCheck) {
        for (int stages = 1; stages <= 6; stages++) {
            for (int m = 1; m <= maxMicrobatches; m++) {
                for (int minibatches = 1; minibatches <= 3; minibatches++) {
                    Schedule s = Schedule.generate(kind, stages, minibatches * m, m);
                    String what = "M=" + stages + " m=" + m + " minibatches=" + minibatches;
                    assertValidAndNeverStale(s, what);
                    for (int st = 0; st < stages; st++) {
                        stageCheck.check(s, st, what + " stage " + st);
                    }
                }
            }
        }
    }

    /** The most units {@code stage} holds at once, each from its forward until its {@code release} pass. */
    static int peakHeld(Schedule s, int stage, Op release) {
        Set<Integer> held = new HashSet<>();
        int peak = 0;
        for (Event e : s.events()) {
            if (e.stage() == stage && e.op() == Op.FORWARD) {
                held.add(e.minibatch());
                peak = Math.max(peak, held.size());
            } else if (e.stage() == stage && e.op() == release) {
                held.remove(e.minibatch());
            }
        }
        return peak;
    }
}
