package org.layerpipe.core.execution;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.schedule.Event;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.Stage;

/**
 * The clocked reference executor: runs a schedule's events one at a time, in order, on one
 * thread. It is the ground truth that faster executors must reproduce bit for bit, and it
 * measures staleness from the stages' version counters rather than trusting the schedule.
 */
public final class ReferenceExecutor {

    private ReferenceExecutor() {
    }

    public static <T> RunResult run(Schedule schedule, List<? extends Stage<T>> stages, UnitSource<T> data, LearningRate lr) {
        int m = stages.size();
        RunRecorder record = new RunRecorder(schedule, m);
        int n = schedule.numUnits();
        long[][] forwardVersion = new long[m][n];
        // activations travelling forward, keyed by (producing stage, unit); gradients travelling backward likewise
        Map<Long, T> activations = new HashMap<>();
        Map<Long, T> gradients = new HashMap<>();
        long start = System.nanoTime();
        for (Event e : schedule.events()) {
            long opStart = System.nanoTime();
            Stage<T> stage = stages.get(e.stage());
            int s = e.stage();
            int j = e.minibatch();
            switch (e.op()) {
                case FORWARD -> {
                    T input = s == 0 ? data.input(j) : take(activations, s - 1, j, "activation", e);
                    forwardVersion[s][j] = stage.version();
                    T out = stage.forward(j, input, stage.isLast() ? data.labels(j) : null);
                    if (!stage.isLast()) {
                        activations.put(key(s, j), out);
                    }
                }
                case BACKWARD -> {
                    T grad = stage.isLast() ? null : take(gradients, s + 1, j, "gradient", e);
                    record.staleness[s][j] = Math.toIntExact(stage.version() - forwardVersion[s][j]);
                    BackwardResult<T> r = stage.backward(j, grad);
                    if (stage.isLast()) {
                        record.lastStage(j, r);
                    }
                    if (s > 0) {
                        gradients.put(key(s, j), r.gradInput());
                    }
                }
                case WEIGHT -> stage.weightPass(j);
                case UPDATE -> stage.update(lr.at(stage.version()));
            }
            record.busy[s] += System.nanoTime() - opStart;
        }
        return record.result(System.nanoTime() - start);
    }

    private static long key(int stage, int unit) {
        return ((long) stage << 32) | unit;
    }

    private static <T> T take(Map<Long, T> map, int stage, int unit, String what, Event e) {
        T value = map.remove(key(stage, unit));
        if (value == null) {
            throw new IllegalStateException("schedule error at " + e + ": the " + what + " of minibatch " + unit
                    + " from stage " + stage + " is not ready");
        }
        return value;
    }
}
