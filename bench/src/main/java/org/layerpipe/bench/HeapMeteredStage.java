package org.layerpipe.bench;

import java.lang.management.ManagementFactory;

import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.weights.ReconstructionStats;

/**
 * A stage that passes every call through and notes how much Java heap its worker thread has
 * allocated, from its first call to its latest. The executor creates the worker threads
 * itself and they are gone (and unreadable) when it returns, so the stage reads the counter
 * from inside, on the worker, after each call.
 */
final class HeapMeteredStage<T> implements Stage<T> {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private final Stage<T> stage;
    private long first = -1;
    private long latest = -1;

    HeapMeteredStage(Stage<T> stage) {
        this.stage = stage;
    }

    /** Heap bytes the calling thread has allocated so far, or -1 where the JVM cannot tell. */
    static long threadAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            t.setThreadAllocatedMemoryEnabled(true);
            return t;
        }
        return null;
    }

    /** Forgets the counts: call between runs (each run has new worker threads). */
    void reset() {
        first = -1;
        latest = -1;
    }

    /** Heap bytes the worker allocated between its first and latest call since {@link #reset()}, or -1 if unknown. */
    long allocatedBytes() {
        return first < 0 || latest < 0 ? -1 : latest - first;
    }

    private void enter() {
        if (first < 0) {
            first = threadAllocatedBytes();
        }
    }

    private void leave() {
        latest = threadAllocatedBytes();
    }

    @Override
    public int index() {
        return stage.index();
    }

    @Override
    public boolean isLast() {
        return stage.isLast();
    }

    @Override
    public long version() {
        return stage.version();
    }

    @Override
    public T forward(int unit, T input, T labels) {
        enter();
        T out = stage.forward(unit, input, labels);
        leave();
        return out;
    }

    @Override
    public BackwardResult<T> backward(int unit, T gradOutput) {
        enter();
        BackwardResult<T> r = stage.backward(unit, gradOutput);
        leave();
        return r;
    }

    @Override
    public void update(double learningRate) {
        enter();
        stage.update(learningRate);
        leave();
    }

    @Override
    public long historyBytes() {
        return stage.historyBytes();
    }

    @Override
    public long activationBytes() {
        return stage.activationBytes();
    }

    @Override
    public int inFlight() {
        return stage.inFlight();
    }

    @Override
    public ReconstructionStats drainReconstructionStats() {
        return stage.drainReconstructionStats();
    }

    @Override
    public void close() {
        stage.close();
    }
}
