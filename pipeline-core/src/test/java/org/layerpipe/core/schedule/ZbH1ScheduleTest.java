package org.layerpipe.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.plan.Link;
import org.layerpipe.core.plan.Simulation;
import org.layerpipe.core.plan.Simulator;
import org.layerpipe.core.plan.StageCosts;

class ZbH1ScheduleTest {

    @Test
    void goldenGridTwoStagesThreeMicrobatches() {
        assertEquals("""
                tick | stage 0 | stage 1
                   0 | F0      | .
                   1 | F1      | F0
                   2 | .       | B0
                   3 | B0      | F1
                   4 | W0      | B1
                   5 | B1      | W0
                   6 | F2      | W1
                   7 | W1      | F2
                   8 | .       | B2
                   9 | B2      | W2 U
                  10 | W2 U    | .
                """, ZbH1Schedule.generate(2, 1, 3).grid());
    }

    @Test
    void everyCaseIsValidNeverStaleAndWithinTheH1MemoryBound() {
        ScheduleChecks.everyFlushingCase(ScheduleKind.ZB_H1, 8, (s, stage, what) -> {
            assertTrue(ScheduleChecks.peakHeld(s, stage, Op.BACKWARD) <= Math.min(s.microbatches(), s.numStages() - stage),
                    what + ": 1F1B's B window");
            assertTrue(ScheduleChecks.peakHeld(s, stage, Op.WEIGHT) <= Math.min(s.microbatches(), s.numStages()), what + ": H1's memory bound");
        });
    }

    /**
     * The paper's closed forms with F = B = W = 1 (a backward of 2 split 1 : 1): 1F1B-flush runs
     * a minibatch in 3(m + p − 1) passes, ZB-H1 in 3m + (p − 1)(F + B − W) = 3m + p − 1. The
     * greedy generator reaches that at m = p and stays within p/2 passes of it for any larger m.
     */
    @Test
    void unitCostsGiveAboutAThirdOfTheFlushBubble() {
        for (int p = 2; p <= 10; p++) {
            for (int m : new int[] {p, 2 * p, 4 * p}) {
                StageCosts unit = StageCosts.uniform(p, 1, 2);
                Simulation zb = Simulator.run(Schedule.generate(ScheduleKind.ZB_H1, p, m, m), unit, Link.NONE);
                Simulation flush = Simulator.run(Schedule.generate(ScheduleKind.ONE_F_ONE_B_FLUSH, p, m, m), unit, Link.NONE);
                String what = "p=" + p + " m=" + m;
                assertEquals(3.0 * (m + p - 1), flush.makespan(), 1e-9, what);
                double ideal = 3.0 * m + p - 1;
                assertTrue(zb.makespan() >= ideal - 1e-9, what + ": " + zb.makespan() + " beats the paper's bound " + ideal);
                assertTrue(zb.makespan() <= ideal + (m == p ? 0 : p / 2) + 1e-9, what + ": " + zb.makespan() + " vs " + ideal);
            }
        }
    }

    @Test
    void theSimulatorTimesEachHalfOfTheBackward() {
        StageCosts costs = new StageCosts(new double[] {1, 1, 1}, new double[] {3, 3, 3}, new double[3], new long[3],
                new long[3], new long[3], new double[] {1, 1, 1});
        Simulation zb = Simulator.run(Schedule.generate(ScheduleKind.ZB_H1, 3, 6, 6), costs, Link.NONE);
        for (Simulation.Timed t : zb.timeline()) {
            double expected = switch (t.event().op()) {
                case FORWARD, WEIGHT -> 1;
                case BACKWARD -> 2;
                case UPDATE -> 0;
            };
            assertEquals(expected, t.end() - t.start(), 1e-12, t.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new StageCosts(new double[] {1}, new double[] {1}, new double[1], new long[1],
                new long[1], new long[1], new double[] {2}), "a weight gradient longer than its backward");
    }

    @Test
    void theValidatorCatchesABrokenSplit() {
        Schedule good = ZbH1Schedule.generate(2, 1, 3);
        // W before its B
        List<Event> swapped = new ArrayList<>();
        for (Event e : good.events()) {
            boolean unit0stage1 = e.stage() == 1 && e.minibatch() == 0;
            Op op = unit0stage1 && e.op() == Op.BACKWARD ? Op.WEIGHT : unit0stage1 && e.op() == Op.WEIGHT ? Op.BACKWARD : e.op();
            swapped.add(new Event(e.tick(), e.stage(), e.minibatch(), op));
        }
        assertTrue(ScheduleValidator.violations(new Schedule(ScheduleKind.ZB_H1, 2, 3, 3, swapped)).stream()
                .anyMatch(v -> v.equals("unit 0 runs WEIGHT at stage 1 at tick 2 before its BACKWARD at tick 5")), "W before B");
        // a W missing
        List<Event> missing = good.events().stream().filter(e -> !(e.op() == Op.WEIGHT && e.stage() == 0 && e.minibatch() == 2)).toList();
        List<String> v = ScheduleValidator.violations(new Schedule(ScheduleKind.ZB_H1, 2, 3, 3, missing));
        assertTrue(v.contains("unit 2 has no WEIGHT at stage 0"), v.toString());
        assertTrue(v.stream().anyMatch(x -> x.startsWith("stage 0 runs an UPDATE at tick 10 (unit 2) after 3 BACKWARDs but 2 WEIGHTs")),
                v.toString());
        // a W in a schedule that does not split backwards
        List<Event> flush = new ArrayList<>(OneFOneBFlushSchedule.generate(2, 1, 3).events());
        flush.add(new Event(8, 0, 2, Op.WEIGHT));
        assertTrue(ScheduleValidator.violations(new Schedule(ScheduleKind.ONE_F_ONE_B_FLUSH, 2, 3, 3, flush))
                .contains("stage 0 runs a WEIGHT pass of unit 2 at tick 8 but ONE_F_ONE_B_FLUSH does not split backwards"));
    }

    @Test
    void parsesItsNames() {
        assertEquals(ScheduleKind.ZB_H1, ScheduleKind.parse("zb-h1"));
        assertEquals(ScheduleKind.ZB_H1, ScheduleKind.parse("zero-bubble"));
    }
}
