package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Interleaved 1F1B (Megatron-LM; Narayanan et al., "Efficient Large-Scale Language Model
 * Training on GPU Clusters", 2021): the model is cut into {@code p·v} stages and device
 * {@code d} holds the v chunks {@code d, d + p, d + 2p, …}. Each device runs Megatron's order
 * over its (chunk, microbatch) pairs — forwards in groups of p microbatches, chunk by chunk;
 * backwards the same with the chunks reversed; {@code 2(p − 1 − d) + (v − 1)·p} warm-up forwards
 * (at most all of them), then one forward and one backward alternately, then the remaining
 * backwards — and each stage applies one synchronous update per minibatch after its last
 * backward, like 1F1B-flush. As in Megatron-LM, m must be a multiple of p (with a partial group
 * this order deadlocks or loses to 1F1B-flush).
 * Every device runs one op per tick, as early as its dependencies allow (a forward one tick
 * after the previous stage's, a backward one tick after the next stage's); the UPDATE shares
 * its stage's last backward's tick.
 *
 * <p>With a forward of F and a backward of B per chunk (so a device's whole share costs
 * v(F + B) per microbatch), a minibatch of m microbatches takes {@code v·m(F + B) + (p − 1)(F + B)}:
 * the fill and drain shrink v-fold against 1F1B-flush on the same devices.
 */
public final class InterleavedOneFOneBSchedule {

    private InterleavedOneFOneBSchedule() {
    }

    /**
     * @param numStages      p·v stages
     * @param chunks         v, stages per device
     * @param numMinibatches minibatches, each ending in one update per stage
     * @param microbatches   m, microbatches per minibatch
     */
    public static Schedule generate(int numStages, int chunks, int numMinibatches, int microbatches) {
        if (chunks < 1 || numStages % chunks != 0) {
            throw new IllegalArgumentException("interleaved 1F1B needs the " + numStages + " stages to be a whole number of"
                    + " chunks per device, but chunks is " + chunks);
        }
        Schedule.requireMinibatches(numMinibatches, microbatches);
        int p = numStages / chunks;
        int v = chunks;
        int m = microbatches;
        requireMicrobatches(p, m);
        List<List<Event>> order = new ArrayList<>();
        for (int d = 0; d < p; d++) {
            List<Event> ops = new ArrayList<>();
            int total = m * v;
            int warmup = Math.min(total, 2 * (p - 1 - d) + (v - 1) * p);
            for (int g = 0; g < numMinibatches; g++) {
                int base = g * m;
                int[] lastBackward = new int[v];
                List<Event> minibatch = new ArrayList<>();
                for (int k = 0; k < warmup; k++) {
                    minibatch.add(pass(k, true, d, p, v, base));
                }
                for (int k = 0; k < total - warmup; k++) {
                    minibatch.add(pass(warmup + k, true, d, p, v, base));
                    minibatch.add(pass(k, false, d, p, v, base));
                }
                for (int k = total - warmup; k < total; k++) {
                    minibatch.add(pass(k, false, d, p, v, base));
                }
                for (int i = 0; i < minibatch.size(); i++) {
                    if (minibatch.get(i).op() == Op.BACKWARD) {
                        lastBackward[minibatch.get(i).stage() / p] = i;
                    }
                }
                for (int i = 0; i < minibatch.size(); i++) {
                    Event e = minibatch.get(i);
                    ops.add(e);
                    if (e.op() == Op.BACKWARD && lastBackward[e.stage() / p] == i) {
                        ops.add(new Event(0, e.stage(), base + m - 1, Op.UPDATE));
                    }
                }
            }
            order.add(ops);
        }
        return new Schedule(ScheduleKind.INTERLEAVED_1F1B, numStages, Math.multiplyExact(numMinibatches, m), m, v,
                AsapTicks.place(order, numStages, "interleaved 1F1B"));
    }

    /**
     * The k-th forward (or backward) of device d within a minibatch, in Megatron's order: groups of
     * p microbatches, each group through chunk 0, 1, … (backwards through the last chunk first).
     */
    /**
     * Megatron-LM's rule: the microbatches per minibatch are a multiple of the devices.
     *
     * @throws IllegalArgumentException saying so, with the nearest counts that fit
     */
    public static void requireMicrobatches(int devices, int microbatches) {
        if (microbatches % devices != 0) {
            throw new IllegalArgumentException("interleaved 1F1B needs the microbatches per minibatch to be a multiple of the " + devices
                    + " devices (Megatron-LM's rule), but they are " + microbatches + ": use " + (microbatches / devices + 1) * devices
                    + (microbatches / devices > 0 ? " or " + (microbatches / devices) * devices : ""));
        }
    }

    private static Event pass(int k, boolean forward, int d, int p, int v, int base) {
        int group = k / (p * v);
        int within = k % (p * v);
        int chunk = forward ? within / p : v - 1 - within / p;
        int micro = group * p + within % p;
        return new Event(0, chunk * p + d, base + micro, forward ? Op.FORWARD : Op.BACKWARD);
    }
}
