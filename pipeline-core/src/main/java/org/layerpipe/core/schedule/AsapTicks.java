package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unit-time placement shared by the synchronous generators that fix each device's op order
 * first (1F1B-flush, interleaved 1F1B): every device runs its ops in that order, one per tick,
 * each as early as its dependency allows — a forward one tick after the previous stage's
 * forward of the unit, a backward one tick after the next stage's backward (the last stage's
 * one tick after its own forward) — and an UPDATE shares the tick of its stage's last backward.
 */
final class AsapTicks {

    private AsapTicks() {
    }

    private record Key(int stage, int unit, Op op) {
    }

    /**
     * @param order     per device, its ops in the order it runs them (ticks ignored)
     * @param numStages stages in all (a device may hold several)
     * @param name      the schedule's name, for the deadlock message
     * @return the same ops with their ticks
     */
    static List<Event> place(List<List<Event>> order, int numStages, String name) {
        int devices = order.size();
        Map<Key, Integer> tickOf = new HashMap<>();
        Map<Integer, Integer> lastBackwardTick = new HashMap<>();
        int[] next = new int[devices];
        int[] freeTick = new int[devices];
        List<Event> events = new ArrayList<>();
        int remaining = order.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            boolean progressed = false;
            for (int d = 0; d < devices; d++) {
                while (next[d] < order.get(d).size()) {
                    Event e = order.get(d).get(next[d]);
                    int s = e.stage();
                    int tick;
                    if (e.op() == Op.UPDATE) {
                        tick = lastBackwardTick.get(s);
                    } else {
                        Key dependency = e.op() == Op.FORWARD
                                ? (s > 0 ? new Key(s - 1, e.minibatch(), Op.FORWARD) : null)
                                : (s < numStages - 1 ? new Key(s + 1, e.minibatch(), Op.BACKWARD) : new Key(s, e.minibatch(), Op.FORWARD));
                        int ready = 0;
                        if (dependency != null) {
                            Integer before = tickOf.get(dependency);
                            if (before == null) {
                                break;
                            }
                            ready = before + 1;
                        }
                        tick = Math.max(freeTick[d], ready);
                        freeTick[d] = tick + 1;
                        if (e.op() == Op.BACKWARD) {
                            lastBackwardTick.put(s, tick);
                        }
                    }
                    tickOf.put(new Key(s, e.minibatch(), e.op()), tick);
                    events.add(new Event(tick, s, e.minibatch(), e.op()));
                    next[d]++;
                    remaining--;
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException(name + " generator deadlocked: a bug, not an input error");
            }
        }
        return events;
    }
}
