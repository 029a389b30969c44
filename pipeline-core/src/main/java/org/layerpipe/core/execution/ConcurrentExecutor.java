package org.layerpipe.core.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.schedule.Event;
import org.layerpipe.core.schedule.Op;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.Stage;

/**
 * Runs a schedule with one worker thread per stage. Each worker performs exactly its
 * stage's events in schedule order and hands activations and gradients to its neighbours
 * through bounded {@link Channel}s, so the arithmetic is the clocked reference's and the
 * results are identical to {@link ReferenceExecutor}'s; only the waiting differs.
 *
 * <p>The first worker failure stops every worker and is rethrown as a
 * {@link PipelineException} naming the stage, the operation and the minibatch. Workers are
 * joined before {@code run} returns or throws: no thread outlives a run.
 */
public final class ConcurrentExecutor {

    /** How long a worker may wait on a neighbour before the run is declared stalled. */
    public static final long DEFAULT_STALL_MILLIS = 30 * 60 * 1000L;

    private ConcurrentExecutor() {
    }

    public static <T> RunResult run(Schedule schedule, List<? extends Stage<T>> stages, UnitSource<T> data, LearningRate lr) {
        return run(schedule, stages, data, lr, stage -> { }, DEFAULT_STALL_MILLIS, (unit, loss) -> { });
    }

    /** Told when the last stage finished a unit's backward, with its loss; called on that stage's worker thread. */
    @FunctionalInterface
    public interface UnitListener {
        void onUnit(int unit, double loss);
    }

    /**
     * @param workerInit called first on each worker thread with its stage index (device binding, thread settings)
     * @param onUnit     progress callback from the last stage's worker
     */
    public static <T> RunResult run(Schedule schedule, List<? extends Stage<T>> stages, UnitSource<T> data, LearningRate lr,
                                    IntConsumer workerInit, long stallMillis, UnitListener onUnit) {
        int m = stages.size();
        RunRecorder record = new RunRecorder(schedule, m);
        int n = schedule.numUnits();
        long[] busy = record.busy;

        int[][] capacity = channelCapacities(schedule);
        List<Channel<T>> activations = new ArrayList<>();
        List<Channel<T>> gradients = new ArrayList<>();
        for (int s = 0; s + 1 < m; s++) {
            activations.add(new Channel<>("activations " + s + "→" + (s + 1), 2 * capacity[0][s] + 2, stallMillis));
            gradients.add(new Channel<>("gradients " + (s + 1) + "→" + s, 2 * capacity[1][s] + 2, stallMillis));
        }
        List<List<Event>> ops = new ArrayList<>();
        for (int s = 0; s < m; s++) {
            ops.add(new ArrayList<>());
        }
        for (Event e : schedule.events()) {
            ops.get(e.stage()).add(e);
        }

        AtomicReference<PipelineException> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < m; s++) {
            int stageIndex = s;
            Stage<T> stage = stages.get(s);
            Thread worker = new Thread(() -> {
                Event current = null;
                try {
                    workerInit.accept(stageIndex);
                    long[] forwardVersion = new long[n];
                    for (Event e : ops.get(stageIndex)) {
                        current = e;
                        int j = e.minibatch();
                        if (e.op() == Op.FORWARD) {
                            T input = stageIndex == 0 ? data.input(j) : activations.get(stageIndex - 1).take(j);
                            long t0 = System.nanoTime();
                            forwardVersion[j] = stage.version();
                            T out = stage.forward(j, input, stage.isLast() ? data.labels(j) : null);
                            busy[stageIndex] += System.nanoTime() - t0;
                            if (!stage.isLast()) {
                                activations.get(stageIndex).put(j, out);
                            }
                        } else if (e.op() == Op.BACKWARD) {
                            T grad = stage.isLast() ? null : gradients.get(stageIndex).take(j);
                            long t0 = System.nanoTime();
                            record.staleness[stageIndex][j] = Math.toIntExact(stage.version() - forwardVersion[j]);
                            BackwardResult<T> r = stage.backward(j, grad);
                            busy[stageIndex] += System.nanoTime() - t0;
                            if (stage.isLast()) {
                                record.lastStage(j, r);
                                onUnit.onUnit(j, r.loss());
                            }
                            if (stageIndex > 0) {
                                gradients.get(stageIndex - 1).put(j, r.gradInput());
                            }
                        } else if (e.op() == Op.WEIGHT) {
                            long t0 = System.nanoTime();
                            stage.weightPass(j);
                            busy[stageIndex] += System.nanoTime() - t0;
                        } else {
                            long t0 = System.nanoTime();
                            stage.update(lr.at(stage.version()));
                            busy[stageIndex] += System.nanoTime() - t0;
                        }
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    Event e = current;
                    if (failure.compareAndSet(null, new PipelineException(stageIndex,
                            e == null ? "start" : e.op().name(), e == null ? -1 : e.minibatch(), t))) {
                        workers.forEach(Thread::interrupt);
                    }
                }
            }, "layerpipe-stage-" + s);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        boolean interrupted = false;
        for (Thread w : workers) {
            while (true) {
                try {
                    w.join();
                    break;
                } catch (InterruptedException e) {
                    // the caller wants out: stop the workers, still join them so none outlives the run
                    interrupted = true;
                    workers.forEach(Thread::interrupt);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        if (interrupted) {
            throw new IllegalStateException("pipeline run interrupted");
        }
        return record.result(System.nanoTime() - start);
    }

    /**
     * Largest number of values waiting in each channel when the schedule runs in clock order:
     * [0][s] activations s→s+1, [1][s] gradients s+1→s. Channels get twice that plus two: workers
     * drift from clock order, and the bound is a safety net, not a throttle (each stage's own
     * backwards already limit how far it runs ahead).
     */
    static int[][] channelCapacities(Schedule schedule) {
        int m = schedule.numStages();
        int[][] now = new int[2][Math.max(0, m - 1)];
        int[][] max = new int[2][Math.max(0, m - 1)];
        for (Event e : schedule.events()) {
            int s = e.stage();
            if (e.op() == Op.FORWARD) {
                if (s > 0) {
                    now[0][s - 1]--;
                }
                if (s + 1 < m) {
                    max[0][s] = Math.max(max[0][s], ++now[0][s]);
                }
            } else if (e.op() == Op.BACKWARD) {
                if (s + 1 < m) {
                    now[1][s]--;
                }
                if (s > 0) {
                    max[1][s - 1] = Math.max(max[1][s - 1], ++now[1][s - 1]);
                }
            }
        }
        return max;
    }
}
