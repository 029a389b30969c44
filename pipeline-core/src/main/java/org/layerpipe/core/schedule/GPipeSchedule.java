package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * GPipe (Huang et al., NeurIPS 2019): each minibatch is split into {@code m} microbatches
 * that flow forward through the pipeline, then backward in reverse order, and each stage
 * applies one synchronous update per minibatch after its last backward (the flush). No
 * staleness; the bubble is {@code (M − 1)/(m + M − 1)} of the time.
 *
 * <p>Minibatch {@code g} occupies {@code 2(m + M − 1)} ticks from
 * {@code base = g·2(m + M − 1)}. Microbatch {@code i} (unit {@code g·m + i}) runs its
 * FORWARD at stage {@code s} at {@code base + i + s} and its BACKWARD at
 * {@code base + (m + M − 1) + (M − 1 − s) + (m − 1 − i)}; the UPDATE follows the stage's
 * last backward of the minibatch (that of microbatch 0) in the same tick. M = 2, two
 * minibatches of two microbatches:
 *
 * <pre>
 * tick | stage 0 | stage 1
 *    0 | F0      | .
 *    1 | F1      | F0
 *    2 | .       | F1
 *    3 | .       | B1
 *    4 | B1      | B0 U
 *    5 | B0 U    | .
 *    6 | F2      | .
 *    7 | F3      | F2
 *    8 | .       | F3
 *    9 | .       | B3
 *   10 | B3      | B2 U
 *   11 | B2 U    | .
 * </pre>
 */
public final class GPipeSchedule {

    private GPipeSchedule() {
    }

    /**
     * The GPipe schedule of {@code numMinibatches · microbatches} units through
     * {@code numStages} stages.
     */
    public static Schedule generate(int numStages, int numMinibatches, int microbatches) {
        Schedule.requireMinibatches(numMinibatches, microbatches);
        List<Event> events = new ArrayList<>();
        int fill = microbatches + numStages - 1;
        for (int minibatch = 0; minibatch < numMinibatches; minibatch++) {
            int base = minibatch * 2 * fill;
            for (int micro = 0; micro < microbatches; micro++) {
                int unit = minibatch * microbatches + micro;
                for (int stage = 0; stage < numStages; stage++) {
                    int backwardTick = base + fill + (numStages - 1 - stage) + (microbatches - 1 - micro);
                    events.add(new Event(base + micro + stage, stage, unit, Op.FORWARD));
                    events.add(new Event(backwardTick, stage, unit, Op.BACKWARD));
                    if (micro == 0) {
                        // Backward runs in reverse order, so microbatch 0 is the last to
                        // contribute its gradient: the flush update follows it.
                        events.add(new Event(backwardTick, stage, unit, Op.UPDATE));
                    }
                }
            }
        }
        return new Schedule(ScheduleKind.GPIPE, numStages, Math.multiplyExact(numMinibatches, microbatches),
                microbatches, events);
    }
}
