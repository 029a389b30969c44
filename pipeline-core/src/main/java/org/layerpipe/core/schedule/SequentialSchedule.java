package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * No pipelining: each unit runs forward through all stages and backward again before the
 * next one enters, so every backward sees the weights its forward used. This is plain SGD,
 * the reference the pipelined schedules are compared with.
 *
 * <p>Unit {@code j} occupies ticks {@code base .. base + 2M − 2} with
 * {@code base = j·(2M − 1)}: stage {@code s} runs its forward at {@code base + s} and its
 * backward at {@code base + 2(M − 1) − s}, each backward followed by its update. M = 3,
 * two units:
 *
 * <pre>
 * tick | stage 0 | stage 1 | stage 2
 *    0 | F0      | .       | .
 *    1 | .       | F0      | .
 *    2 | .       | .       | F0 B0
 *    3 | .       | B0      | .
 *    4 | B0      | .       | .
 *    5 | F1      | .       | .
 *    6 | .       | F1      | .
 *    7 | .       | .       | F1 B1
 *    8 | .       | B1      | .
 *    9 | B1      | .       | .
 * </pre>
 */
public final class SequentialSchedule {

    private SequentialSchedule() {
    }

    /** The sequential schedule of {@code numUnits} units through {@code numStages} stages. */
    public static Schedule generate(int numStages, int numUnits) {
        List<Event> events = new ArrayList<>();
        int span = 2 * numStages - 1;
        for (int unit = 0; unit < numUnits; unit++) {
            int base = unit * span;
            for (int stage = 0; stage < numStages; stage++) {
                int backwardTick = base + 2 * (numStages - 1) - stage;
                events.add(new Event(base + stage, stage, unit, Op.FORWARD));
                events.add(new Event(backwardTick, stage, unit, Op.BACKWARD));
                events.add(new Event(backwardTick, stage, unit, Op.UPDATE));
            }
        }
        return new Schedule(ScheduleKind.SEQUENTIAL, numStages, numUnits, 1, events);
    }
}
