package org.layerpipe.bench;

import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The latency of handing a value from one stage thread to a waiting neighbour, the way the
 * executor's channels do it (a lock and a condition the taker awaits): the planner's link
 * latency between two stages of one machine. Measured as half the median round trip of a
 * ping-pong between two threads. A synchronous schedule crosses between stages about
 * {@code 2(m + p − 1)} times per minibatch on its critical path, so on a small model (the mlp's
 * microbatch steps take ~0.3 ms) tens of microseconds each are part of its time.
 */
final class Handoff {

    private static final int WARMUP = 2_000;
    private static final int ROUNDS = 5_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Whose turn it is: even for the pinger, odd for the ponger; counts the hand-offs. */
    private long turn;

    private Handoff() {
    }

    /** Seconds per one-way hand-off between two threads on this machine. */
    static double measureSeconds() throws InterruptedException {
        Handoff h = new Handoff();
        Thread ponger = new Thread(() -> {
            try {
                for (long i = 1; i < 2L * (WARMUP + ROUNDS); i += 2) {
                    h.await(i);
                    h.pass();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "handoff-pong");
        ponger.setDaemon(true);
        ponger.start();
        long[] rtt = new long[ROUNDS];
        for (int r = 0; r < WARMUP + ROUNDS; r++) {
            long t0 = System.nanoTime();
            h.pass();
            h.await(2L * r + 2);
            if (r >= WARMUP) {
                rtt[r - WARMUP] = System.nanoTime() - t0;
            }
        }
        ponger.join();
        Arrays.sort(rtt);
        return rtt[ROUNDS / 2] / 2 / 1e9;
    }

    private void pass() {
        lock.lock();
        try {
            turn++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void await(long expected) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (turn < expected) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }
}
