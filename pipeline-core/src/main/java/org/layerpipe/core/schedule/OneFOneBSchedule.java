package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * PipeDream's 1F1B schedule (Narayanan et al., SOSP 2019): a tick is one op slot and each
 * stage alternates one forward and one backward in steady state. Unit {@code j} runs its
 * FORWARD at stage {@code s} at tick {@code 2j + s} and its BACKWARD at
 * {@code 2j + 2M − 1 − s}, followed by the UPDATE. Forward and backward ticks of a stage
 * have opposite parity, so they never collide. Between a unit's forward and backward a
 * stage applies {@code S(s) = M − 1 − s} updates ({@code min(j, S)} while the pipeline
 * fills) and holds at most {@code S + 1} units in flight. M = 3, four units:
 *
 * <pre>
 * tick | stage 0 | stage 1 | stage 2
 *    0 | F0      | .       | .
 *    1 | .       | F0      | .
 *    2 | F1      | .       | F0
 *    3 | .       | F1      | B0
 *    4 | F2      | B0      | F1
 *    5 | B0      | F2      | B1
 *    6 | F3      | B1      | F2
 *    7 | B1      | F3      | B2
 *    8 | .       | B2      | F3
 *    9 | B2      | .       | B3
 *   10 | .       | B3      | .
 *   11 | B3      | .       | .
 * </pre>
 */
public final class OneFOneBSchedule {

    private OneFOneBSchedule() {
    }

    /** The 1F1B schedule of {@code numUnits} minibatches through {@code numStages} stages. */
    public static Schedule generate(int numStages, int numUnits) {
        List<Event> events = new ArrayList<>();
        for (int unit = 0; unit < numUnits; unit++) {
            for (int stage = 0; stage < numStages; stage++) {
                int backwardTick = 2 * unit + 2 * numStages - 1 - stage;
                events.add(new Event(2 * unit + stage, stage, unit, Op.FORWARD));
                events.add(new Event(backwardTick, stage, unit, Op.BACKWARD));
                events.add(new Event(backwardTick, stage, unit, Op.UPDATE));
            }
        }
        return new Schedule(ScheduleKind.ONE_F_ONE_B, numStages, numUnits, 1, events);
    }
}
