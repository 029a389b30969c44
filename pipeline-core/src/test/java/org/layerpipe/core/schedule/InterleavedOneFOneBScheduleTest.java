package org.layerpipe.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.plan.ChromeTrace;
import org.layerpipe.core.plan.Link;
import org.layerpipe.core.plan.Simulation;
import org.layerpipe.core.plan.Simulator;
import org.layerpipe.core.plan.StageCosts;
import org.layerpipe.core.train.TrialConfig;

class InterleavedOneFOneBScheduleTest {

    /** Two devices, two chunks each: device 0 runs stages 0 and 2, device 1 stages 1 and 3, one op per tick each. */
    @Test
    void goldenGridTwoDevicesTwoChunksTwoMicrobatches() {
        Schedule s = InterleavedOneFOneBSchedule.generate(4, 2, 1, 2);
        assertEquals("""
                tick | stage 0 | stage 1 | stage 2 | stage 3
                   0 | F0      | .       | .       | .
                   1 | F1      | F0      | .       | .
                   2 | .       | F1      | F0      | .
                   3 | .       | .       | F1      | F0
                   4 | .       | .       | .       | B0
                   5 | .       | .       | B0      | F1
                   6 | .       | .       | .       | B1 U
                   7 | .       | B0      | B1 U    | .
                   8 | B0      | B1 U    | .       | .
                   9 | B1 U    | .       | .       | .
                """, s.grid());
        assertEquals(2, s.numDevices());
        assertEquals(List.of(0, 1, 0, 1), List.of(s.device(0), s.device(1), s.device(2), s.device(3)));
    }

    @Test
    void everyCaseIsValidNeverStaleAndOneOpPerDevicePerTick() {
        for (int p = 1; p <= 4; p++) {
            for (int v = 1; v <= 3; v++) {
                for (int m : new int[] {p, 2 * p, 3 * p}) {
                    for (int minibatches = 1; minibatches <= 2; minibatches++) {
                        Schedule s = Schedule.generate(ScheduleKind.INTERLEAVED_1F1B, p * v, minibatches * m, m, v);
                        String what = "p=" + p + " v=" + v + " m=" + m + " minibatches=" + minibatches;
                        ScheduleChecks.assertValidAndNeverStale(s, what);
                        Set<List<Integer>> busy = new HashSet<>();
                        for (Event e : s.events()) {
                            if (e.op() != Op.UPDATE) {
                                assertTrue(busy.add(List.of(e.tick(), s.device(e.stage()))), what + ": two ops of one device at " + e);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Narayanan et al.'s closed form: with a device's share costing F + B = 3 per microbatch split
     * over v chunks, a minibatch of m microbatches takes 3m + 3(p − 1)/v; v = 1 is 1F1B-flush.
     */
    @Test
    void theFillAndDrainShrinkByTheNumberOfChunks() {
        for (int p = 2; p <= 8; p *= 2) {
            for (int v = 1; v <= 4; v++) {
                for (int m : new int[] {p, 2 * p, 4 * p}) {
                    StageCosts perChunk = StageCosts.uniform(p * v, 1.0 / v, 2.0 / v);
                    Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.INTERLEAVED_1F1B, p * v, m, m, v), perChunk, Link.NONE);
                    assertEquals(3.0 * m + 3.0 * (p - 1) / v, sim.makespan(), 1e-9, "p=" + p + " v=" + v + " m=" + m);
                }
                Simulation flush = Simulator.run(Schedule.generate(ScheduleKind.ONE_F_ONE_B_FLUSH, p, 2 * p, 2 * p),
                        StageCosts.uniform(p, 1, 2), Link.NONE);
                assertEquals(3.0 * (2 * p + p - 1), flush.makespan(), 1e-9);
            }
        }
    }

    @Test
    void badShapesGetOneSentence() {
        assertEquals("interleaved 1F1B needs the microbatches per minibatch to be a multiple of the 4 devices (Megatron-LM's rule),"
                + " but they are 6: use 8 or 4", assertThrows(IllegalArgumentException.class,
                        () -> Schedule.generate(ScheduleKind.INTERLEAVED_1F1B, 8, 6, 6)).getMessage());
        assertEquals("interleaved 1F1B needs the 5 stages to be a whole number of chunks per device, but chunks is 2",
                assertThrows(IllegalArgumentException.class, () -> Schedule.generate(ScheduleKind.INTERLEAVED_1F1B, 5, 4, 4)).getMessage());
        assertEquals("the interleaved-1f1b schedule puts several stages on one device, which the trainer (one thread per stage) has"
                        + " no use for: use it with `layerpipe plan` or plan: true",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(java.util.Map.of("schedule", "interleaved-1f1b")))
                        .getMessage());
        Schedule s = Schedule.generate(ScheduleKind.INTERLEAVED_1F1B, 2, 1, 1);
        String refused = "the INTERLEAVED_1F1B schedule is for the planner only: it puts several stages on one device, and the"
                + " executors run one thread per stage";
        assertEquals(refused, assertThrows(IllegalArgumentException.class,
                () -> ReferenceExecutor.run(s, List.of(), null, LearningRate.constant(0.1))).getMessage());
        assertEquals(refused, assertThrows(IllegalArgumentException.class,
                () -> ConcurrentExecutor.run(s, List.of(), null, LearningRate.constant(0.1))).getMessage());
    }

    @Test
    void theValidatorCatchesTwoOpsOfOneDeviceInOneTick() {
        Schedule good = InterleavedOneFOneBSchedule.generate(4, 2, 1, 2);
        List<Event> moved = new ArrayList<>();
        for (Event e : good.events()) {
            // stage 2's F0 (device 0) moved from tick 2 to tick 1, where device 0 runs stage 0's F1
            boolean it = e.stage() == 2 && e.minibatch() == 0 && e.op() == Op.FORWARD;
            moved.add(it ? new Event(1, 2, 0, Op.FORWARD) : e);
        }
        List<String> v = ScheduleValidator.violations(new Schedule(ScheduleKind.INTERLEAVED_1F1B, 4, 2, 2, 2, moved));
        assertTrue(v.stream().anyMatch(x -> x.startsWith("device 0 runs two FORWARDs at tick 1")), v.toString());
    }

    @Test
    void aTraceShowsTheChunksOnTheirDevice() {
        Simulation sim = Simulator.run(InterleavedOneFOneBSchedule.generate(4, 2, 1, 2), StageCosts.uniform(4, 1, 2), Link.NONE);
        String json = ChromeTrace.json(sim);
        assertTrue(json.contains("\"pid\":0") && json.contains("\"pid\":1") && !json.contains("\"pid\":2"), json);
        assertEquals(2, sim.numDevices());
    }
}
