package org.layerpipe.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.partition.Partition;

/** The one delay rule: per-stage delays from (schedule, partition), held against the generated schedules. */
class StageDelaysTest {

    @Test
    void eachScheduleHasItsOwnDelays() {
        Partition p = Partition.of(3, 2, 2, 1);
        assertEquals("[6, 4, 2, 0]", Arrays.toString(ScheduleKind.LAYERPIPE2.stageDelays(p)), "LayerPipe2: 2S");
        assertEquals("[3, 2, 1, 0]", Arrays.toString(ScheduleKind.ONE_F_ONE_B.stageDelays(p)), "1F1B: S");
        assertEquals("[0, 0, 0, 0]", Arrays.toString(ScheduleKind.SEQUENTIAL.stageDelays(p)), "nothing is stale");
        assertEquals("[0, 0, 0, 0]", Arrays.toString(ScheduleKind.GPIPE.stageDelays(p)), "synchronous");
        assertEquals("[0]", Arrays.toString(ScheduleKind.LAYERPIPE2.stageDelays(Partition.of(5))), "one stage is never stale");
    }

    @Test
    void theDelaysAreWhatTheGeneratedSchedulesDoInSteadyState() {
        for (ScheduleKind kind : ScheduleKind.values()) {
            if (kind == ScheduleKind.INTERLEAVED_1F1B) {
                continue; // needs an even number of stages and microbatches in multiples of the devices (its own test)
            }
            for (Partition p : new Partition[] {Partition.of(1), Partition.of(1, 1), Partition.of(2, 1, 1), Partition.of(1, 1, 1, 1, 1)}) {
                int units = 12;
                int[][] measured = Staleness.updatesBetweenForwardAndBackward(Schedule.generate(kind, p.numStages(), units, 1));
                int[] delays = kind.stageDelays(p);
                for (int s = 0; s < p.numStages(); s++) {
                    int max = Arrays.stream(measured[s]).max().orElseThrow();
                    assertEquals(delays[s], max, kind + " " + p + " stage " + s);
                    assertEquals(delays[s], measured[s][units - 1], kind + " " + p + " stage " + s + ", last unit");
                }
            }
        }
    }
}
