package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.schedule.Event;
import org.layerpipe.core.schedule.Op;
import org.layerpipe.core.schedule.Schedule;

/**
 * Executes a schedule on its devices (one per stage; interleaved 1F1B puts {@code chunks} stages on
 * each), as fast as its dependencies allow: each device runs its own events in the schedule's
 * order (ticks order the work, they do not time it); a
 * forward waits for the previous stage's forward of the same unit plus the transfer of its
 * output, a backward for the next stage's backward of the unit plus the transfer of the
 * gradient, an update for the device's previous event. Durations come from {@link StageCosts}.
 * Each direction of each link carries one transfer at a time (for {@code bytes / bandwidth});
 * the latency follows without occupying it — so a slow link limits an asynchronous pipeline's
 * throughput, not only its latency.
 * The start of every event is decided by one predecessor (the device's previous event or the
 * cross-device dependency); following those back from the last event gives the critical path.
 */
public final class Simulator {

    private Simulator() {
    }

    private record Key(int stage, int unit, Op op) {
    }

    public static Simulation run(Schedule schedule, StageCosts costs, Link link) {
        int p = schedule.numStages();
        if (costs.numStages() != p) {
            throw new IllegalArgumentException("the schedule has " + p + " stages but the costs describe " + costs.numStages());
        }
        int devices = schedule.numDevices();
        List<List<Event>> perDevice = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            perDevice.add(new ArrayList<>());
        }
        for (Event e : schedule.events()) {
            perDevice.get(schedule.device(e.stage())).add(e);
        }
        boolean split = schedule.kind().splitsBackward();
        // a unit's activations are held until its last pass: the weight gradient's when it is separate
        Op release = split ? Op.WEIGHT : Op.BACKWARD;
        int[] next = new int[devices];
        double[] free = new double[devices];
        double[] downFree = new double[p]; // link s-1 -> s, indexed by the receiving stage
        double[] upFree = new double[p];   // link s+1 -> s, indexed by the receiving stage
        Simulation.Timed[] lastOnDevice = new Simulation.Timed[devices];
        Map<Key, Simulation.Timed> done = new HashMap<>();
        Map<Simulation.Timed, Simulation.Timed> cause = new HashMap<>();
        List<Simulation.Timed> timeline = new ArrayList<>(schedule.events().size());
        double[] busy = new double[devices];
        int[] inFlight = new int[p];
        int[] peak = new int[p];
        int remaining = schedule.events().size();
        while (remaining > 0) {
            boolean progressed = false;
            for (int d = 0; d < devices; d++) {
                while (next[d] < perDevice.get(d).size()) {
                    Event e = perDevice.get(d).get(next[d]);
                    int s = e.stage();
                    Simulation.Timed dependency = null;
                    double ready = 0;
                    if (e.op() == Op.FORWARD && s > 0) {
                        dependency = done.get(new Key(s - 1, e.minibatch(), Op.FORWARD));
                        if (dependency == null) {
                            break;
                        }
                        ready = transfer(dependency.end(), costs.outputBytes()[s - 1], link, downFree, s);
                    } else if (e.op() == Op.BACKWARD && s < p - 1) {
                        dependency = done.get(new Key(s + 1, e.minibatch(), Op.BACKWARD));
                        if (dependency == null) {
                            break;
                        }
                        ready = transfer(dependency.end(), costs.outputBytes()[s], link, upFree, s);
                    }
                    double start = Math.max(free[d], ready);
                    double duration = switch (e.op()) {
                        case FORWARD -> costs.forward()[s];
                        case BACKWARD -> split ? costs.inputGradient(s) : costs.backward()[s];
                        case WEIGHT -> costs.weightGradient()[s];
                        case UPDATE -> costs.update()[s];
                    };
                    Simulation.Timed t = new Simulation.Timed(e, start, start + duration);
                    Simulation.Timed decided = dependency != null && ready > free[d] ? dependency : lastOnDevice[d];
                    if (decided != null) {
                        cause.put(t, decided);
                    }
                    done.put(new Key(s, e.minibatch(), e.op()), t);
                    timeline.add(t);
                    lastOnDevice[d] = t;
                    free[d] = t.end();
                    busy[d] += duration;
                    if (e.op() == Op.FORWARD) {
                        peak[s] = Math.max(peak[s], ++inFlight[s]);
                    } else if (e.op() == release) {
                        inFlight[s]--;
                    }
                    next[d]++;
                    remaining--;
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalArgumentException("the " + schedule.kind() + " schedule cannot run: every stage waits for another"
                        + " (a forward before its predecessor's, or a backward before its successor's)");
            }
        }
        double first = timeline.stream().mapToDouble(Simulation.Timed::start).min().orElse(0);
        Simulation.Timed last = timeline.get(0);
        for (Simulation.Timed t : timeline) {
            if (t.end() > last.end()) {
                last = t;
            }
        }
        List<Simulation.Timed> path = new ArrayList<>();
        for (Simulation.Timed t = last; t != null; t = cause.get(t)) {
            path.add(0, t);
        }
        return new Simulation(schedule.kind(), schedule.microbatches(), timeline, last.end() - first,
                secondsPerMinibatch(schedule, done, release), busy, peak, path);
    }

    /** When {@code bytes} sent at {@code sent} arrive, the link being busy until {@code linkFree[s]} with earlier transfers. */
    private static double transfer(double sent, long bytes, Link link, double[] linkFree, int s) {
        double start = Math.max(sent, linkFree[s]);
        double occupied = bytes / link.bytesPerSecond();
        linkFree[s] = start + occupied;
        return start + occupied + link.latencySeconds();
    }

    /**
     * Steady state: the time between the first stage finishing the backward of minibatch
     * {@code n/4} and of minibatch {@code 3n/4} (its last unit's, i.e. when the minibatch is
     * fully done there), per minibatch. With fewer than four minibatches, the whole run's.
     */
    private static double secondsPerMinibatch(Schedule schedule, Map<Key, Simulation.Timed> done, Op last) {
        int m = schedule.microbatches();
        int minibatches = schedule.numUnits() / m;
        if (minibatches < 4) {
            double end = 0;
            for (Simulation.Timed t : done.values()) {
                end = Math.max(end, t.end());
            }
            return end / minibatches;
        }
        int a = minibatches / 4;
        int b = 3 * minibatches / 4;
        return (finished(done, b, m, last) - finished(done, a, m, last)) / (b - a);
    }

    /** When stage 0 finished every backward (every {@code last} pass) of minibatch {@code g}. */
    private static double finished(Map<Key, Simulation.Timed> done, int g, int m, Op last) {
        double end = 0;
        for (int u = g * m; u < (g + 1) * m; u++) {
            end = Math.max(end, done.get(new Key(0, u, last)).end());
        }
        return end;
    }
}
