package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private record Key(int stage, int unit, Op op) {
    }

    public static Schedule generate(int numStages, int numMinibatches, int microbatches) {
        if (numMinibatches < 1) {
            throw new IllegalArgumentException("numMinibatches must be >= 1 but was " + numMinibatches
                    + ": a schedule needs at least one minibatch");
        }
        if (microbatches < 1) {
            throw new IllegalArgumentException(
                    "microbatches must be >= 1 but was " + microbatches + ": use 1 for no microbatching");
        }
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
        // unit-time, as-soon-as-possible ticks
        Map<Key, Integer> tickOf = new HashMap<>();
        int[] next = new int[numStages];
        int[] freeTick = new int[numStages];
        int[] lastTick = new int[numStages];
        List<Event> events = new ArrayList<>();
        int remaining = order.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            boolean progressed = false;
            for (int s = 0; s < numStages; s++) {
                while (next[s] < order.get(s).size()) {
                    Event e = order.get(s).get(next[s]);
                    int tick;
                    if (e.op() == Op.UPDATE) {
                        tick = lastTick[s];
                    } else {
                        int ready = 0;
                        if (e.op() == Op.FORWARD && s > 0) {
                            Integer before = tickOf.get(new Key(s - 1, e.minibatch(), Op.FORWARD));
                            if (before == null) {
                                break;
                            }
                            ready = before + 1;
                        } else if (e.op() == Op.BACKWARD && s < numStages - 1) {
                            Integer after = tickOf.get(new Key(s + 1, e.minibatch(), Op.BACKWARD));
                            if (after == null) {
                                break;
                            }
                            ready = after + 1;
                        }
                        tick = Math.max(freeTick[s], ready);
                        freeTick[s] = tick + 1;
                        lastTick[s] = tick;
                    }
                    tickOf.put(new Key(s, e.minibatch(), e.op()), tick);
                    events.add(new Event(tick, s, e.minibatch(), e.op()));
                    next[s]++;
                    remaining--;
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("1F1B-flush generator deadlocked: a bug, not an input error");
            }
        }
        return new Schedule(ScheduleKind.ONE_F_ONE_B_FLUSH, numStages, Math.multiplyExact(numMinibatches, microbatches),
                microbatches, events);
    }
}
