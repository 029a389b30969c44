package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The LayerPipe2 schedule (Unnikrishnan &amp; Parhi, arXiv 2512.08160). One unit enters per
 * tick; at tick {@code t} stage {@code s} runs the FORWARD of unit {@code t − s}, then the
 * BACKWARD of unit {@code t − s − 2·S(s)}, then the UPDATE of its current weights, with
 * {@code S(s) = M − 1 − s}. Each stage boundary costs one tick in each direction, so the
 * backward of a unit reaches stage {@code s} {@code 2·S(s)} ticks after its forward, and
 * in between the stage applies exactly {@code 2·S(s)} updates ({@code min(j, 2S)} for unit
 * {@code j} while the pipeline fills): the delay rule {@code Delay(l) = 2·S(l)}. M = 3,
 * five units:
 *
 * <pre>
 * tick | stage 0 | stage 1 | stage 2
 *    0 | F0      | .       | .
 *    1 | F1      | F0      | .
 *    2 | F2      | F1      | F0 B0
 *    3 | F3      | F2 B0   | F1 B1
 *    4 | F4 B0   | F3 B1   | F2 B2
 *    5 | B1      | F4 B2   | F3 B3
 *    6 | B2      | B3      | F4 B4
 *    7 | B3      | B4      | .
 *    8 | B4      | .       | .
 * </pre>
 *
 * Stage 0 runs F4 at tick 4 before B0's update, and B4 at tick 8 after the updates of
 * B0..B3: 4 = 2·S(0) updates.
 */
public final class LayerPipe2Schedule {

    private LayerPipe2Schedule() {
    }

    /** The LayerPipe2 schedule of {@code numUnits} minibatches through {@code numStages} stages. */
    public static Schedule generate(int numStages, int numUnits) {
        List<Event> events = new ArrayList<>();
        // The last event is the backward of the last unit at stage 0, 2·(M−1) ticks after it entered.
        int lastTick = numUnits - 1 + 2 * (numStages - 1);
        for (int tick = 0; tick <= lastTick; tick++) {
            for (int stage = 0; stage < numStages; stage++) {
                int forwardUnit = tick - stage;
                int backwardUnit = tick - stage - 2 * (numStages - 1 - stage);
                if (forwardUnit >= 0 && forwardUnit < numUnits) {
                    events.add(new Event(tick, stage, forwardUnit, Op.FORWARD));
                }
                if (backwardUnit >= 0 && backwardUnit < numUnits) {
                    events.add(new Event(tick, stage, backwardUnit, Op.BACKWARD));
                    events.add(new Event(tick, stage, backwardUnit, Op.UPDATE));
                }
            }
        }
        return new Schedule(ScheduleKind.LAYERPIPE2, numStages, numUnits, 1, events);
    }
}
