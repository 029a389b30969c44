package org.layerpipe.core.execution;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded hand-off between two neighbouring stages, addressed by minibatch: the producer
 * puts the value of unit j, the consumer takes unit j when its schedule says so. Keyed rather
 * than FIFO, so a schedule may consume in any order; bounded, so a fast producer cannot run
 * away with memory. A wait longer than the stall limit is reported as a stall, naming the
 * channel and unit, instead of hanging forever.
 */
final class Channel<T> {

    private final String name;
    private final int capacity;
    private final long stallNanos;
    private final Map<Integer, T> values = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    Channel(String name, int capacity, long stallMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("channel " + name + " needs capacity >= 1, got " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
    }

    void put(int unit, T value) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = stallNanos;
            while (values.size() >= capacity) {
                if (remaining <= 0) {
                    throw new IllegalStateException("pipeline stalled: " + name + " stayed full (" + capacity
                            + " minibatches) while putting minibatch " + unit);
                }
                remaining = changed.awaitNanos(remaining);
            }
            if (values.putIfAbsent(unit, value) != null) {
                throw new IllegalStateException(name + " already holds minibatch " + unit);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    T take(int unit) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = stallNanos;
            T value;
            while ((value = values.remove(unit)) == null) {
                if (remaining <= 0) {
                    throw new IllegalStateException("pipeline stalled: waited " + duration(stallNanos) + " on " + name
                            + " for minibatch " + unit);
                }
                remaining = changed.awaitNanos(remaining);
            }
            changed.signalAll();
            return value;
        } finally {
            lock.unlock();
        }
    }

    /** {@code 300 ms}, {@code 1.5 s}, {@code 1800 s}: whole seconds would print a sub-second limit as 0 s. */
    static String duration(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (millis < 1000) {
            return millis + " ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    int size() {
        lock.lock();
        try {
            return values.size();
        } finally {
            lock.unlock();
        }
    }
}
