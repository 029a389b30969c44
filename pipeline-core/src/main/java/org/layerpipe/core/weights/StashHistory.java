package org.layerpipe.core.weights;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link WeightMode#STASH}: exact copies of the weight versions that in-flight forwards used
 * (PipeDream weight stashing).
 *
 * <p>A version is copied only when an update is about to overwrite it while a forward still
 * needs it, so the newest version costs nothing: in the LayerPipe2 steady state a stage of
 * delay {@code D = 2S} holds exactly {@code D} copies, and the last stage (D = 0) none.
 * Released copies are recycled, so memory stays at its peak instead of churning. The ring is
 * bounded by the delay: needing more copies means the schedule and the delay disagree, which
 * is a bug, not a workload.
 */
public final class StashHistory<V> implements WeightHistory<V> {

    private static final class Slot<V> {
        V copy;
        int refs;
    }

    private final int capacity;
    private final VectorOps<V> ops;
    private final Map<Long, Slot<V>> slots = new HashMap<>();
    private final Deque<V> free = new ArrayDeque<>();
    private int allocated;
    private long bytesPerCopy;
    private long peakBytes;

    /** @param delay the stage's nominal delay: the most versions that can be in flight besides the current one */
    public StashHistory(int delay, VectorOps<V> ops) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + delay);
        }
        this.capacity = delay;
        this.ops = ops;
    }

    @Override
    public void onForward(long version, V current) {
        slots.computeIfAbsent(version, v -> new Slot<>()).refs++;
    }

    @Override
    public void beforeUpdate(long version, V current) {
        Slot<V> slot = slots.get(version);
        if (slot != null && slot.copy == null) {
            slot.copy = takeBuffer(current);
            ops.copy(current, slot.copy);
        }
    }

    @Override
    public void afterUpdate(long version, V applied, V current) {
    }

    @Override
    public V weightsForBackward(long forwardVersion, long currentVersion, V current, V scratch) {
        Slot<V> slot = stored(forwardVersion);
        V weights = slot.copy != null ? slot.copy : current;
        // the copy goes back to the free list now, but is only overwritten by the next beforeUpdate,
        // which comes after this backward: the stage uses it in place, without copying it again
        release(forwardVersion, slot);
        return weights;
    }

    /** The exact weights of {@code version}: its copy, or {@code current} if it was never overwritten. */
    V exact(long version, V current) {
        Slot<V> slot = stored(version);
        return slot.copy != null ? slot.copy : current;
    }

    @Override
    public void skipWeightsForBackward(long forwardVersion) {
        release(forwardVersion);
    }

    /** Drops one forward's hold on {@code version} without reading it. */
    void release(long version) {
        release(version, stored(version));
    }

    /** Between epochs no version is held, only buffers for the next epoch's copies: how many, so memory reads the same. */
    @Override
    public HistoryState<V> state() {
        if (!slots.isEmpty()) {
            throw new IllegalStateException("the weight stash still holds " + slots.size() + " version(s) of forwards awaiting"
                    + " their backward: a stage is checkpointed only when its pipeline has drained");
        }
        return new HistoryState<>("stash", Map.of(), Map.of("buffers", (long) allocated, "peakBytes", peakBytes), Map.of());
    }

    @Override
    public void restore(HistoryState<V> state, V like) {
        state.requireKind("stash");
        long buffers = state.count("buffers");
        if (buffers < 0 || buffers > capacity) {
            throw new IllegalArgumentException("the checkpoint's weight stash had " + buffers + " buffers, this stage's delay allows "
                    + capacity);
        }
        bytesPerCopy = ops.bytes(like);
        for (; allocated < buffers; allocated++) {
            free.push(ops.zerosLike(like));
        }
        peakBytes = state.count("peakBytes");
    }

    @Override
    public long heldBytes() {
        return allocated * bytesPerCopy;
    }

    @Override
    public long peakBytes() {
        return peakBytes;
    }

    private Slot<V> stored(long version) {
        Slot<V> slot = slots.get(version);
        if (slot == null) {
            throw new IllegalStateException("no forward recorded at weight version " + version
                    + ": every backward needs exactly one earlier forward");
        }
        return slot;
    }

    private void release(long version, Slot<V> slot) {
        if (--slot.refs == 0) {
            slots.remove(version);
            if (slot.copy != null) {
                free.push(slot.copy);
            }
        }
    }

    private V takeBuffer(V like) {
        if (!free.isEmpty()) {
            return free.pop();
        }
        if (allocated == capacity) {
            throw new IllegalStateException("weight stash is full (" + capacity + " versions, the stage's delay): "
                    + "the schedule keeps more minibatches in flight than its delay allows");
        }
        allocated++;
        bytesPerCopy = ops.bytes(like);
        peakBytes = Math.max(peakBytes, heldBytes());
        return ops.zerosLike(like);
    }
}
