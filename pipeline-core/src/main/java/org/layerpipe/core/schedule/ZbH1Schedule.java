package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * ZB-H1 (Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024): 1F1B-flush with every
 * backward split into its input-gradient pass B, on the critical path, and its weight-gradient
 * pass W, which nothing waits for. Each minibatch of {@code m} microbatches still ends with one
 * synchronous update per stage (after its last W), so nothing is stale.
 *
 * <p>Generated in unit time, one pass per stage per tick, each stage choosing greedily: a B that
 * is ready (it unblocks the stage before), else the next forward, else the oldest pending W. A
 * forward waits while the stage holds {@code min(m, p − s)} microbatches without their B (1F1B's
 * schedule) or {@code min(m, p)} without their W (1F1B-flush's peak activation memory, that of its
 * first stage: the H1 memory bound). So later stages put W passes off into the ticks where
 * 1F1B-flush waits for a gradient, and with F = B = W the bubble falls from 1F1B-flush's
 * {@code 3(p − 1)} passes to the paper's {@code (p − 1)(F + B − W) = p − 1} at {@code m = p}, and
 * to within {@code p/2} passes of it for any larger {@code m} (the hand-made ZB-H1 reaches it exactly).
 * The UPDATE shares the tick of the stage's last W. M = 2, one minibatch of three microbatches:
 *
 * <pre>
 * tick | stage 0 | stage 1
 *    0 | F0      | .
 *    1 | F1      | F0
 *    2 | .       | B0
 *    3 | B0      | F1
 *    4 | W0      | B1
 *    5 | B1      | W0
 *    6 | F2      | W1
 *    7 | W1      | F2
 *    8 | .       | B2
 *    9 | B2      | W2 U
 *   10 | W2 U    | .
 * </pre>
 */
public final class ZbH1Schedule {

    private static final int NONE = -1;

    private ZbH1Schedule() {
    }

    public static Schedule generate(int numStages, int numMinibatches, int microbatches) {
        Schedule.requireMinibatches(numMinibatches, microbatches);
        int p = numStages;
        int units = Math.multiplyExact(numMinibatches, microbatches);
        // tick at which each pass of each unit ran at each stage, NONE before it ran
        int[][] forwardAt = filled(p, units);
        int[][] backwardAt = filled(p, units);
        int[][] weightAt = filled(p, units);
        int[] minibatch = new int[p];      // the minibatch each stage works on
        int[] nextForward = new int[p];    // its next microbatch to forward, within the minibatch
        int[] held = new int[p];           // microbatches forwarded whose B has not run
        int[] unfinished = new int[p];     // microbatches forwarded whose W has not run
        int[] weightsDone = new int[p];    // W passes done in the current minibatch
        List<Event> events = new ArrayList<>();
        int remaining = p * units * 3;
        for (int tick = 0; remaining > 0; tick++) {
            if (tick > 4 * (units + p) * 3) {
                throw new IllegalStateException("ZB-H1 generator made no progress: a bug, not an input error");
            }
            for (int s = 0; s < p; s++) {
                if (minibatch[s] >= numMinibatches) {
                    continue;
                }
                int base = minibatch[s] * microbatches;
                int unit = readyBackward(s, p, base, microbatches, tick, forwardAt, backwardAt);
                Op op = Op.BACKWARD;
                if (unit == NONE && nextForward[s] < microbatches && held[s] < Math.min(microbatches, p - s)
                        && unfinished[s] < Math.min(microbatches, p)) {
                    int u = base + nextForward[s];
                    if (s == 0 || (forwardAt[s - 1][u] != NONE && forwardAt[s - 1][u] < tick)) {
                        unit = u;
                        op = Op.FORWARD;
                    }
                }
                if (unit == NONE) {
                    unit = oldestPendingWeight(s, base, microbatches, tick, backwardAt, weightAt);
                    op = Op.WEIGHT;
                }
                if (unit == NONE) {
                    continue;
                }
                events.add(new Event(tick, s, unit, op));
                remaining--;
                switch (op) {
                    case FORWARD -> {
                        forwardAt[s][unit] = tick;
                        nextForward[s]++;
                        held[s]++;
                        unfinished[s]++;
                    }
                    case BACKWARD -> {
                        backwardAt[s][unit] = tick;
                        held[s]--;
                    }
                    default -> {
                        weightAt[s][unit] = tick;
                        unfinished[s]--;
                        if (++weightsDone[s] == microbatches) {
                            events.add(new Event(tick, s, base + microbatches - 1, Op.UPDATE));
                            minibatch[s]++;
                            nextForward[s] = 0;
                            weightsDone[s] = 0;
                        }
                    }
                }
            }
        }
        return new Schedule(ScheduleKind.ZB_H1, p, units, microbatches, events);
    }

    /** The oldest unit of the minibatch whose B can run at stage {@code s} now: forwarded here, B done downstream before this tick. */
    private static int readyBackward(int s, int p, int base, int m, int tick, int[][] forwardAt, int[][] backwardAt) {
        for (int u = base; u < base + m; u++) {
            if (backwardAt[s][u] == NONE && forwardAt[s][u] != NONE && forwardAt[s][u] < tick
                    && (s == p - 1 || (backwardAt[s + 1][u] != NONE && backwardAt[s + 1][u] < tick))) {
                return u;
            }
        }
        return NONE;
    }

    private static int oldestPendingWeight(int s, int base, int m, int tick, int[][] backwardAt, int[][] weightAt) {
        for (int u = base; u < base + m; u++) {
            if (weightAt[s][u] == NONE && backwardAt[s][u] != NONE && backwardAt[s][u] < tick) {
                return u;
            }
        }
        return NONE;
    }

    private static int[][] filled(int p, int units) {
        int[][] a = new int[p][units];
        for (int[] row : a) {
            java.util.Arrays.fill(row, NONE);
        }
        return a;
    }
}
