package org.layerpipe.core.nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.SgdRule;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.DivergenceException;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.stage.StageState;
import org.layerpipe.core.weights.HistoryState;
import org.layerpipe.core.weights.LatestHistory;
import org.layerpipe.core.weights.ReconstructionStats;
import org.layerpipe.core.weights.WeightHistory;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A pipeline stage on ND4J's native operations: a contiguous slice of blocks, each an explicit
 * forward/backward pair ({@link NativeBlock}).
 *
 * <p><b>Weights.</b> The stage's current weights are one flat vector in Deeplearning4j's
 * parameter order. A backward runs on whichever vector the weight history hands out — the
 * current weights, a stashed copy, or a reconstruction written into a working vector — through
 * cached views, so switching versions copies nothing.
 *
 * <p><b>Activations.</b> Under {@link ActivationPolicy#STASH} each minibatch in flight has a
 * slot with its blocks' outputs and saved tensors, and its backward uses exactly those; under
 * {@link ActivationPolicy#RECOMPUTE} only the stage input is kept and the forward is re-run
 * with the backward's weights first. The last stage runs its forward inside the backward:
 * every schedule gives it staleness 0, so nothing changes in between. Slots, scratch buffers
 * and the buffers that cross to the neighbouring stages ({@link BufferPool}) are reused, so a
 * steady-state step allocates no device memory.
 *
 * <p><b>Update.</b> Plain SGD with heavy-ball momentum and L2 weight decay on the trained
 * entries, {@code v ← μ·v + ∇/n + λ·W; W ← W − η·v}, as BLAS level-1 calls on the flat vectors;
 * batch-norm running statistics take the mean of the deltas their block computed since the last
 * update, as DL4J applies one minibatch's.
 * Device arrays are made on first use, on the thread that runs the stage.
 */
public final class Nd4jStage implements Stage<INDArray> {

    static {
        NativeRuntime.choose();
    }

    /** One minibatch's saved tensors: per block its state and (inside the stage) its output. */
    private static final class Slot {
        final NativeBlock.State[] states;
        final INDArray[] outputs;

        Slot(List<NativeBlock> blocks) {
            this.states = blocks.stream().map(NativeBlock::newState).toArray(NativeBlock.State[]::new);
            this.outputs = new INDArray[blocks.size()];
        }

        long savedBytes() {
            long b = 0;
            for (int i = 0; i < states.length; i++) {
                b += states[i].savedBytes() + (i + 1 < outputs.length ? Buffers.bytes(outputs[i]) : 0);
            }
            return b;
        }
    }

    /** A minibatch between its forward and its backward. */
    private record InFlight(INDArray input, INDArray labels, long version, Slot slot, INDArray output, long bytes) {
    }

    private final int index;
    private final boolean last;
    private final DataType dtype;
    private final ParamLayout layout = new ParamLayout();
    private final List<NativeBlock> blocks = new ArrayList<>();
    /** Per block: whether anyone needs the gradient with respect to its input (not so before the first parameters of the first stage). */
    private final boolean[] inputGradientNeeded;
    /**
     * Whether any backward reads the weights. Not so for a first stage that stashes activations and
     * whose blocks with parameters need no input gradient (an MLP's first dense layer): its weight
     * gradients come from the saved tensors alone, so every weight mode trains it alike and
     * nothing is reconstructed.
     */
    private final boolean backwardReadsWeights;
    private final SoftmaxLossBlock loss;
    /** The last block that writes an output buffer (later ones are views of it), or -1. */
    private final int outputBlock;
    private final ActivationPolicy policy;
    private final SgdSettings sgd;
    private final WeightHistory<INDArray> history;
    private final Map<INDArray, INDArray[]> views = new IdentityHashMap<>();
    private final Map<Integer, InFlight> inFlight = new HashMap<>();
    private final Deque<Slot> freeSlots = new ArrayDeque<>();
    private final BufferPool outputs = BufferPool.recycling();
    private final BufferPool gradInputs = new BufferPool();
    private List<INDArray> initialParams;
    /** A checkpoint's state to take on when the device arrays are made (on the stage's own thread). */
    private StageState restored;
    private Nd4jStage downstream;

    private INDArray master;
    private INDArray gradients;
    private INDArray[] gradientViews;
    private INDArray working;
    private INDArray applied;
    /** The update just applied ({@code W_new − W_old}), when the history reads it: {@link #applied} or the gradient buffer. */
    private INDArray appliedUpdate;
    private INDArray velocity;
    private List<long[]> trainedRanges;
    private List<long[]> statisticRanges;
    private Slot scratch;
    private Slot inference;
    private INDArray[] gradBuffers;
    private INDArray lastOutput;
    private INDArray lossGradient;
    private INDArray inferenceOutput;

    /** The thread that made the device arrays (on the CUDA build, the one bound to the stage's GPU). */
    private String arraysMadeOn;
    private long activationBytes;
    private long peakActivationBytes;
    private long version;
    private long examplesAccumulated;
    private int backwardsSinceUpdate;

    /** A stage that stashes activations (the default policy). */
    public Nd4jStage(int index, List<Block> blocks, List<Shape> inputShapes, List<INDArray> initialParams,
                     WeightSettings weights, int delay, SgdSettings sgd, DataType dtype) {
        this(index, blocks, inputShapes, initialParams, weights, delay, sgd, dtype, ActivationPolicy.STASH);
    }

    /**
     * @param index         stage position
     * @param blocks        the stage's blocks, in order
     * @param inputShapes   input shape of each block
     * @param initialParams initial flat parameters of each block, in DL4J's order
     * @param weights       weight-history setting
     * @param delay         the stage's nominal delay under the schedule (updates between a forward and its backward in steady state)
     * @param sgd           momentum and weight decay
     * @param dtype         parameter and activation precision
     * @param policy        what is kept of a minibatch between its forward and its backward
     */
    public Nd4jStage(int index, List<Block> blocks, List<Shape> inputShapes, List<INDArray> initialParams,
                     WeightSettings weights, int delay, SgdSettings sgd, DataType dtype, ActivationPolicy policy) {
        this(index, blocks, inputShapes, initialParams, weights, delay, sgd, dtype, policy, Nd4jStage::create);
    }

    /** How a block description becomes its native implementation (tests substitute broken ones to see the checks fail). */
    @FunctionalInterface
    interface BlockFactory {
        NativeBlock create(Block block, Shape in, ParamLayout layout);
    }

    Nd4jStage(int index, List<Block> blocks, List<Shape> inputShapes, List<INDArray> initialParams, WeightSettings weights,
              int delay, SgdSettings sgd, DataType dtype, ActivationPolicy policy, BlockFactory factory) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("stage " + index + " has no blocks");
        }
        this.index = index;
        this.last = blocks.get(blocks.size() - 1) instanceof Block.SoftmaxLoss;
        this.dtype = dtype;
        this.sgd = sgd;
        this.policy = policy;
        SoftmaxLossBlock lossBlock = null;
        List<Long> weightEnds = new ArrayList<>(); // where each block with weights ends in the flat vector
        for (int b = 0; b < blocks.size(); b++) {
            Block block = blocks.get(b);
            Shape in = inputShapes.get(b);
            long before = layout.size();
            if (block instanceof Block.SoftmaxLoss) {
                lossBlock = new SoftmaxLossBlock(in);
            } else if (reluBeforeMaxPool(blocks, b)) {
                // max-pool then ReLU: the same function and the same gradients (max and ReLU commute,
                // ties included), with the ReLU and its backward on a tensor window² times smaller
                Block pool = blocks.get(b + 1);
                this.blocks.add(factory.create(pool, in, layout));
                this.blocks.add(factory.create(block, pool.outputShape(in), layout));
                b++;
            } else {
                this.blocks.add(factory.create(block, in, layout));
            }
            if (layout.size() > before) {
                this.blocks.get(this.blocks.size() - 1).hasParameters = true;
                weightEnds.add(layout.size());
            }
            long expected = initialParams.get(b).length();
            if (layout.size() - before != expected) {
                throw new IllegalStateException("stage " + index + ": block " + block.name() + " has " + (layout.size() - before)
                        + " parameters, it was initialised with " + expected);
            }
        }
        this.loss = lossBlock;
        this.inputGradientNeeded = new boolean[this.blocks.size()];
        boolean needed = index > 0;
        boolean reads = false;
        for (int i = 0; i < this.blocks.size(); i++) {
            NativeBlock b = this.blocks.get(i);
            inputGradientNeeded[i] = needed;
            reads |= b.hasParameters && (needed || b.readsWeightsWithoutInputGradient());
            needed |= b.hasParameters;
        }
        // a recomputed forward reads the weights, and the last stage always recomputes
        this.backwardReadsWeights = reads || last || policy == ActivationPolicy.RECOMPUTE;
        int outputAt = -1;
        for (int i = 0; i < this.blocks.size(); i++) {
            outputAt = this.blocks.get(i).outputIsView() ? outputAt : i;
        }
        this.outputBlock = outputAt;
        this.initialParams = List.copyOf(initialParams);
        // a stage without parameters (pooling, flatten) has no weights to remember
        this.history = layout.size() == 0 ? new LatestHistory<>()
                : weights.newHistory(delay, Nd4jVectors.INSTANCE, weightEnds.stream().mapToLong(Long::longValue).toArray());
    }

    private static boolean reluBeforeMaxPool(List<Block> blocks, int b) {
        return b + 1 < blocks.size()
                && blocks.get(b) instanceof Block.Act a && a.activation() == org.layerpipe.core.model.Activation.RELU
                && blocks.get(b + 1) instanceof Block.Pool p && p.type() == Block.Pool.PoolType.MAX;
    }

    static NativeBlock create(Block block, Shape in, ParamLayout layout) {
        if (block instanceof Block.Dense d) {
            return new DenseBlock(d, in, layout);
        } else if (block instanceof Block.Conv2d c) {
            return new ConvBlock(c, in, layout);
        } else if (block instanceof Block.Pool p) {
            return new PoolBlock(p, in);
        } else if (block instanceof Block.BatchNorm) {
            return new BatchNormBlock(in, layout);
        } else if (block instanceof Block.Act a) {
            return new ActivationBlock(a, in);
        } else if (block instanceof Block.Flatten) {
            return new FlattenBlock(in);
        } else if (block instanceof Block.Residual r) {
            return new ResidualBlock(r, in, layout);
        }
        throw new IllegalArgumentException("no native implementation of block " + block.name());
    }

    /**
     * Lets this stage give {@code next}'s input gradients back to it when its backward is done
     * with them, so that {@code next} reuses their buffers.
     */
    void connect(Nd4jStage next) {
        this.downstream = next;
        next.gradInputs.enableRecycling();
    }

    /** Makes the device arrays, on the calling thread (the stage's worker, bound to its device). */
    private void ready() {
        if (master != null) {
            return;
        }
        arraysMadeOn = Thread.currentThread().getName();
        long n = layout.size();
        master = Nd4j.zeros(dtype, n);
        long offset = 0;
        for (INDArray p : initialParams) {
            if (p.length() > 0) {
                master.get(NDArrayIndex.interval(offset, offset + p.length())).assign(p.reshape(p.length()));
            }
            offset += p.length();
        }
        initialParams = null;
        if (restored != null) {
            apply(restored);
            restored = null;
        }
        gradients = Nd4j.zeros(dtype, n);
        gradientViews = layout.views(gradients);
        trainedRanges = layout.ranges(true);
        statisticRanges = layout.ranges(false);
        gradBuffers = new INDArray[blocks.size()];
        scratch = new Slot(blocks);
        inference = new Slot(blocks);
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean isLast() {
        return last;
    }

    @Override
    public long version() {
        return version;
    }

    /** The current weights (a live view: copy it to keep it). */
    public INDArray parameters() {
        ready();
        return master;
    }

    public long numParams() {
        return layout.size();
    }

    public ActivationPolicy activationPolicy() {
        return policy;
    }

    @Override
    public INDArray forward(int unit, INDArray input, INDArray labels) {
        ready();
        if (inFlight.containsKey(unit)) {
            throw new IllegalStateException("stage " + index + ": minibatch " + unit + " is already in flight");
        }
        if (last && labels == null) {
            throw new IllegalArgumentException("stage " + index + " ends with the loss and needs labels for minibatch " + unit);
        }
        history.onForward(version, master);
        if (last) {
            track(unit, new InFlight(input, labels, version, null, null, Buffers.bytes(input)));
            return null;
        }
        long n = input.size(0);
        // the next stage reads the output until its backward of this minibatch, which comes
        // before ours: so the buffer is ours again when our backward ends
        INDArray out = outputBlock < 0 ? null : outputs.take(dtype, Buffers.dims(blocks.get(outputBlock).output, n));
        Slot slot = policy == ActivationPolicy.STASH ? takeSlot() : scratch;
        INDArray result = run(input, viewsOf(master), slot, out, true);
        long bytes = Buffers.bytes(input) + (slot == scratch ? 0 : slot.savedBytes());
        track(unit, new InFlight(input, labels, version, slot == scratch ? null : slot, out, bytes));
        return result;
    }

    private Slot takeSlot() {
        return freeSlots.isEmpty() ? new Slot(blocks) : freeSlots.pop();
    }

    /**
     * Forward through every block but the loss. The last block that writes an output of its own
     * ({@link #outputBlock}) writes into {@code out}; blocks after it (flatten) only view it.
     */
    private INDArray run(INDArray input, INDArray[] w, Slot slot, INDArray out, boolean training) {
        INDArray h = input;
        long n = input.size(0);
        for (int i = 0; i < blocks.size(); i++) {
            NativeBlock b = blocks.get(i);
            INDArray o;
            if (b.outputIsView()) {
                o = null;
            } else if (i == outputBlock) {
                o = out;
            } else {
                o = slot.outputs[i] = Buffers.ensure(slot.outputs[i], dtype, Buffers.dims(b.output, n));
            }
            h = training ? b.forward(h, w, slot.states[i], o) : b.infer(h, w, slot.states[i], o);
        }
        return h;
    }

    @Override
    public BackwardResult<INDArray> backward(int unit, INDArray gradOutput) {
        InFlight f = inFlight.remove(unit);
        if (f == null) {
            throw new IllegalStateException("stage " + index + ": backward of minibatch " + unit + " without a forward");
        }
        activationBytes -= f.bytes;
        INDArray[] w;
        if (backwardReadsWeights || history.measuresReconstruction()) {
            w = viewsOf(history.weightsForBackward(f.version, version, master, history.usesScratch() ? workingVector() : null));
        } else {
            history.skipWeightsForBackward(f.version);
            w = viewsOf(master);
        }
        boolean accumulate = backwardsSinceUpdate > 0;
        long n = f.input.size(0);
        BackwardResult<INDArray> result;
        if (last) {
            INDArray z = f.input;
            if (!blocks.isEmpty()) {
                z = run(f.input, w, scratch, lastOutput(n), true);
            }
            INDArray gz = blocks.isEmpty()
                    ? (index == 0 ? null : gradInputs.take(dtype, z.shape()))
                    : (lossGradient = Buffers.ensure(lossGradient, dtype, z.shape()));
            SoftmaxLossBlock.Outcome outcome = loss.lossBackward(z, f.labels, gz);
            if (!Double.isFinite(outcome.loss())) {
                throw new DivergenceException("the loss is " + outcome.loss() + " at minibatch " + unit);
            }
            INDArray gradIn = blocks.isEmpty() ? gz : backwardThrough(gz, w, scratch, accumulate, n);
            result = new BackwardResult<>(gradIn, outcome.loss(), outcome.correct(), (int) n);
        } else {
            Slot slot = f.slot;
            if (slot == null) {
                run(f.input, w, scratch, lastOutput(n), true);
                slot = scratch;
            }
            result = BackwardResult.of(backwardThrough(gradOutput, w, slot, accumulate, n), (int) n);
            if (f.slot != null) {
                freeSlots.push(f.slot);
            }
        }
        outputs.release(f.output);
        if (downstream != null) {
            downstream.gradInputs.release(gradOutput);
        }
        examplesAccumulated += n;
        backwardsSinceUpdate++;
        return result;
    }

    /** Backward from the last block down to the first; returns the input gradient (null at the first stage). */
    private INDArray backwardThrough(INDArray gradOutput, INDArray[] w, Slot slot, boolean accumulate, long n) {
        INDArray g = gradOutput;
        for (int i = blocks.size() - 1; i >= 0 && g != null; i--) {
            NativeBlock b = blocks.get(i);
            long[] shape = Buffers.dims(b.input, n);
            INDArray dest;
            if (!inputGradientNeeded[i]) {
                dest = null; // blocks before this one have no parameters and nobody upstream needs a gradient
            } else if (i > 0) {
                dest = gradBuffers[i] = Buffers.ensure(gradBuffers[i], dtype, shape);
            } else {
                dest = gradInputs.take(dtype, shape);
            }
            b.backward(g, w, gradientViews, accumulate, slot.states[i], dest);
            g = dest;
        }
        return index == 0 ? null : g;
    }

    /** A stage-owned buffer for the output of a forward whose result nobody downstream reads (recompute, the loss stage, inference). */
    private INDArray lastOutput(long n) {
        if (outputBlock < 0) {
            return null;
        }
        lastOutput = Buffers.ensure(lastOutput, dtype, Buffers.dims(blocks.get(outputBlock).output, n));
        return lastOutput;
    }

    private INDArray workingVector() {
        if (working == null) {
            working = Nd4j.zeros(dtype, layout.size());
        }
        return working;
    }

    /** Views of {@code flat}'s tensors, made once per vector (the current weights, the working vector, each stash buffer). */
    private INDArray[] viewsOf(INDArray flat) {
        return views.computeIfAbsent(flat, layout::views);
    }

    private void track(int unit, InFlight f) {
        inFlight.put(unit, f);
        activationBytes += f.bytes;
        peakActivationBytes = Math.max(peakActivationBytes, activationBytes);
    }

    @Override
    public void update(double learningRate) {
        if (examplesAccumulated == 0) {
            throw new IllegalStateException("stage " + index + ": update without any backward since the last one");
        }
        history.beforeUpdate(version, master);
        boolean keepApplied = history.needsAppliedUpdate() && layout.size() > 0;
        appliedUpdate = null;
        if (layout.size() > 0) {
            applyUpdate(learningRate, keepApplied);
        }
        version++;
        history.afterUpdate(version, appliedUpdate, master);
        examplesAccumulated = 0;
        backwardsSinceUpdate = 0;
    }

    /**
     * {@code W ← W + Δ} with {@code Δ = −η·v} on trained entries ({@link SgdRule}) and {@code Δ = −(mean running-statistic
     * delta of the backwards since the last update)} on the rest. When the history needs Δ it is left in {@link #appliedUpdate} — for plain
     * SGD in the gradient buffer itself (free until the next backward overwrites it), which saves a
     * pass over the weights.
     */
    private void applyUpdate(double lr, boolean keepApplied) {
        double perExample = 1.0 / examplesAccumulated;
        boolean plain = !SgdRule.needsVelocity(sgd);
        if (!plain && velocity == null) {
            velocity = Nd4j.zeros(dtype, layout.size());
        }
        if (keepApplied && !plain && applied == null) {
            applied = Nd4j.zeros(dtype, layout.size());
        }
        appliedUpdate = !keepApplied ? null : plain ? gradients : applied;
        for (long[] r : trainedRanges) {
            INDArray g = range(gradients, r);
            INDArray a = !keepApplied ? null : plain ? g : range(applied, r);
            SgdRule.apply(Nd4jVectors.INSTANCE, sgd, lr, perExample, range(master, r), g, plain ? null : range(velocity, r), a);
        }
        // running statistics move once per update by the mean of the backwards' deltas: with GPipe's m
        // microbatches a sum would move them m times as far as one minibatch does
        double perBackward = 1.0 / backwardsSinceUpdate;
        for (long[] r : statisticRanges) {
            INDArray w = range(master, r);
            INDArray g = range(gradients, r);
            axpy(-perBackward, g, w);
            if (keepApplied) {
                INDArray a = plain ? g : range(applied, r);
                if (a != g) {
                    HostMath.copy(g, a);
                }
                HostMath.scale(-perBackward, a);
            }
        }
    }

    private static INDArray range(INDArray flat, long[] r) {
        return r[0] == 0 && r[1] == flat.length() ? flat : flat.get(NDArrayIndex.interval(r[0], r[1]));
    }

    private static void axpy(double a, INDArray x, INDArray y) {
        HostMath.axpy(a, x, y);
    }

    /** Inference-mode output of this stage (class probabilities from the last stage); valid until the next call. */
    public INDArray infer(INDArray input) {
        ready();
        long n = input.size(0);
        INDArray[] w = viewsOf(master);
        INDArray z = blocks.isEmpty() ? input : run(input, w, inference, lastOutput(n), false);
        if (loss == null) {
            return z;
        }
        inferenceOutput = Buffers.ensure(inferenceOutput, dtype, z.shape());
        return loss.forward(z, w, null, inferenceOutput);
    }

    /**
     * The stage's state between epochs, as plain arrays: current weights (batch-norm running statistics
     * included), momentum, weight history and version counter. What the next epoch needs besides is
     * rebuilt from these (buffers, views) or overwritten before it is read (gradients, scratch).
     *
     * @throws IllegalStateException when a minibatch is in flight or gradients wait for their update
     */
    public StageState snapshot() {
        if (!inFlight.isEmpty() || examplesAccumulated != 0) {
            throw new IllegalStateException("stage " + index + " has " + inFlight.size() + " minibatch(es) in flight and "
                    + examplesAccumulated + " examples of gradients not yet applied: a stage is checkpointed only between epochs");
        }
        if (master == null && restored != null) {
            return restored;
        }
        ready();
        HistoryState<INDArray> h = history.state();
        Map<String, StageState.Vector> vectors = new LinkedHashMap<>();
        h.vectors().forEach((k, v) -> vectors.put(k, plain(v)));
        return new StageState(index, version, plain(master), velocity == null ? null : plain(velocity),
                new HistoryState<>(h.kind(), vectors, h.counts(), h.numbers()));
    }

    /**
     * Puts this stage, fresh from its constructor, into {@code state} (a {@link #snapshot()} of the same
     * stage of the same trial). Takes effect now if the stage's arrays exist, else when they are made.
     *
     * @throws IllegalArgumentException when the state is another stage's or does not fit this one
     */
    public void restore(StageState state) {
        if (state.stage() != index) {
            throw new IllegalArgumentException("the state of stage " + state.stage() + " cannot restore stage " + index);
        }
        String precision = dtype == DataType.DOUBLE ? "double" : "float";
        for (Map.Entry<String, StageState.Vector> e : state.vectors().entrySet()) {
            if (e.getValue().length() != layout.size() || !e.getValue().precision().equals(precision)) {
                throw new IllegalArgumentException("stage " + index + "'s " + e.getKey() + " in the checkpoint has "
                        + e.getValue().length() + " " + e.getValue().precision() + " values, the stage has " + layout.size()
                        + " " + precision + " parameters");
            }
        }
        if (version != 0 || examplesAccumulated != 0) {
            throw new IllegalStateException("stage " + index + " has trained already: only a fresh stage is restored");
        }
        // the version now: executors read it before the first forward, which makes the arrays
        version = state.version();
        if (master == null) {
            restored = state;
        } else {
            apply(state);
        }
    }

    private void apply(StageState state) {
        if (layout.size() > 0) {
            master.assign(device(state.weights()));
        }
        if (state.velocity() != null) {
            velocity = Nd4j.zeros(dtype, layout.size());
            velocity.assign(device(state.velocity()));
        }
        HistoryState<StageState.Vector> h = state.history();
        Map<String, INDArray> vectors = new LinkedHashMap<>();
        h.vectors().forEach((k, v) -> vectors.put(k, device(v)));
        history.restore(new HistoryState<>(h.kind(), vectors, h.counts(), h.numbers()), master);
    }

    private StageState.Vector plain(INDArray v) {
        return dtype == DataType.DOUBLE ? StageState.Vector.of(v.toDoubleVector()) : StageState.Vector.of(v.toFloatVector());
    }

    private static INDArray device(StageState.Vector v) {
        return v.doubles() != null ? Nd4j.createFromArray(v.doubles()) : Nd4j.createFromArray(v.floats());
    }

    @Override
    public long historyBytes() {
        return history.heldBytes();
    }

    /** Most history bytes held at any time. */
    public long peakHistoryBytes() {
        return history.peakBytes();
    }

    @Override
    public long activationBytes() {
        return activationBytes;
    }

    /** Most activation bytes held at once since the last call; resets to the current level. */
    public long drainPeakActivationBytes() {
        long peak = peakActivationBytes;
        peakActivationBytes = activationBytes;
        return peak;
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public ReconstructionStats drainReconstructionStats() {
        return history.drainReconstructionStats();
    }

    /** Buffers held for minibatches (slots) and for the neighbours (outputs, input gradients): constant in steady state. */
    int heldBuffers() {
        return freeSlots.size() + inFlight.size() + outputs.size() + gradInputs.size();
    }

    /** Name of the thread that made the stage's device arrays, or null before its first use. */
    String arraysMadeOn() {
        return arraysMadeOn;
    }

    /** Gradients summed since the last update (tests read them for gradient checks). */
    INDArray accumulatedGradients() {
        ready();
        return gradients;
    }

    /** Per parameter: 1 if trained by gradient descent, 0 for batch-norm running statistics. */
    INDArray trainableMask() {
        INDArray mask = Nd4j.ones(dtype, layout.size());
        for (long[] r : layout.ranges(false)) {
            mask.get(NDArrayIndex.interval(r[0], r[1])).assign(0);
        }
        return mask;
    }

    @Override
    public void close() {
        inFlight.clear();
        freeSlots.clear();
    }
}
