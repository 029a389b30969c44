package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * 1F1B with a flush (PipeDream-Flush; Megatron-LM's default, Narayanan et al. 2021): like
 * GPipe, each minibatch of {@code m} microbatches gets one synchronous update per stage after
 * its last backward, so nothing is stale; unlike GPipe, stage {@code s} starts backwards as
 * soon as it can — {@code w = min(p − 1 − s, m)} warm-up forwards, then alternating one forward
 * and one backward, then the remaining backwards — so it holds at most {@code min(m, p − s)}
 * microbatches in flight instead of {@code m}. The iteration time is GPipe's,
 * {@code (m + p − 1)(F + B)}.
 *
 * <p>Ticks: every device runs its ops in that order, one per tick, each as early as its
 * dependencies allow (a forward one tick after the previous stage's, a backward one tick after
 * the next stage's); the UPDATE shares the tick of the last backward. M = 2, one minibatch of
 * three microbatches:
 *
 * <pre>
 * tick | stage 0 | stage 1
 *    0 | F0      | .
 *    1 | F1      | F0
 *    2 | .       | B0
 *    3 | B0      | F1
 *    4 | F2      | B1
 *    5 | B1      | F2
 *    6 | .       | B2 U
 *    7 | B2 U    | .
 * </pre>
 */
public final class OneFOneBFlushSchedule {

    private OneFOneBFlushSchedule() {
    }

    public static Schedule generate(int numStages, int numMinibatches, int microbatches) {
        Schedule.requireMinibatches(numMinibatches, microbatches);
        // each device's ops in order
        List<List<Event>> order = new ArrayList<>();
        for (int s = 0; s < numStages; s++) {
            List<Event> ops = new ArrayList<>();
            int warmup = Math.min(numStages - 1 - s, microbatches);
            for (int g = 0; g < numMinibatches; g++) {
                int base = g * microbatches;
                for (int i = 0; i < warmup; i++) {
                    ops.add(new Event(0, s, base + i, Op.FORWARD));
                }
                for (int i = 0; i < microbatches - warmup; i++) {
                    ops.add(new Event(0, s, base + warmup + i, Op.FORWARD));
                    ops.add(new Event(0, s, base + i, Op.BACKWARD));
                }
                for (int i = microbatches - warmup; i < microbatches; i++) {
                    ops.add(new Event(0, s, base + i, Op.BACKWARD));
                }
                ops.add(new Event(0, s, base + microbatches - 1, Op.UPDATE));
            }
            order.add(ops);
        }
        return new Schedule(ScheduleKind.ONE_F_ONE_B_FLUSH, numStages, Math.multiplyExact(numMinibatches, microbatches),
                microbatches, AsapTicks.place(order, numStages, "1F1B-flush"));
    }
}
