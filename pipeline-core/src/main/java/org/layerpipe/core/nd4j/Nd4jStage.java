package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.model.Block;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.DivergenceException;
import org.layerpipe.core.stage.SgdSettings;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.weights.LatestHistory;
import org.layerpipe.core.weights.ReconstructionStats;
import org.layerpipe.core.weights.WeightHistory;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A pipeline stage on ND4J: a contiguous slice of blocks run by Deeplearning4j layers.
 *
 * <p>The stage keeps its <em>current</em> weights in a flat vector of its own; the layers
 * compute with a second, <em>working</em> vector that holds either the current weights or,
 * for a stale backward, the weights the weight history prescribes (stashed or
 * reconstructed). DL4J layers remember only their last forward, so per minibatch in flight
 * the stage keeps what its backward needs: the inputs of its layers (the activations a
 * pipeline stashes anyway; dense, convolution, pooling and activation layers backprop from
 * their input and the given weights), or, where a layer needs more (batch norm caches its
 * batch statistics), just the stage input — and then recomputes the stage's forward with the
 * backward's weights first. The last stage runs its forward inside the backward: every
 * schedule gives it staleness 0, so nothing changes in between.
 *
 * <p>Batch-norm running statistics live in the parameter vector; DL4J hands their update
 * as a "gradient" to be applied as is, so they move once per backward, never per recompute.
 */
public final class Nd4jStage implements Stage<INDArray> {

    /** A minibatch between its forward and its backward: its input, and the units' snapshots when they can restore. */
    private record InFlight(INDArray input, INDArray labels, long version, Object[] snapshots, long bytes) {
    }

    private final int index;
    private final boolean last;
    private final List<Unit> units = new ArrayList<>();
    private final List<INDArray> unitGradients = new ArrayList<>();
    private final SegmentUnit loss;
    private final INDArray master;
    private final INDArray working;
    private final INDArray gradients;
    private final INDArray trainable;
    private final boolean hasStatistics;
    private final INDArray applied;
    private final SgdSettings sgd;
    private final WeightHistory<INDArray> history;
    private final Map<Integer, InFlight> inFlight = new HashMap<>();
    private INDArray velocity;
    private long activationBytes;
    private long peakActivationBytes;
    private long version;
    private long examplesAccumulated;
    private boolean workingIsCurrent = true;
    /** Tests set it to compare restoring layer inputs with recomputing the forward. */
    boolean alwaysRecompute;
    /** The unit whose forward the layers remember, or -1. */
    private int rememberedUnit = -1;

    /**
     * @param index         stage position
     * @param blocks        the stage's blocks, in order
     * @param inputShapes   input shape of each block
     * @param initialParams initial flat parameters of each block
     * @param weights       weight-history setting
     * @param delay         the stage's nominal delay under the schedule (updates between a forward and its backward in steady state)
     * @param sgd           momentum and weight decay
     * @param dtype         parameter and activation precision
     */
    public Nd4jStage(int index, List<Block> blocks, List<Shape> inputShapes, List<INDArray> initialParams,
                     WeightSettings weights, int delay, SgdSettings sgd, DataType dtype) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("stage " + index + " has no blocks");
        }
        this.index = index;
        this.last = blocks.get(blocks.size() - 1) instanceof Block.SoftmaxLoss;
        this.sgd = sgd;
        long n = 0;
        for (INDArray p : initialParams) {
            n += p.length();
        }
        this.master = Nd4j.zeros(dtype, n);
        long offset = 0;
        for (INDArray p : initialParams) {
            if (p.length() > 0) {
                master.get(NDArrayIndex.interval(offset, offset + p.length())).assign(p);
            }
            offset += p.length();
        }
        this.working = master.dup();
        this.gradients = Nd4j.zeros(dtype, n);
        this.applied = Nd4j.zeros(dtype, n);

        List<INDArray> masks = new ArrayList<>();
        SegmentUnit lossUnit = null;
        int b = 0;
        offset = 0;
        while (b < blocks.size()) {
            Block block = blocks.get(b);
            int end = b + 1;
            Unit unit;
            long unitParams;
            if (block instanceof Block.Flatten) {
                unit = new FlattenUnit();
                unitParams = 0;
            } else if (block instanceof Block.Residual r) {
                unitParams = initialParams.get(b).length();
                unit = new ResidualUnit(
                        Nd4jLayers.configuration(Nd4jLayers.residualMain(r), inputShapes.get(b), dtype, 1, new Sgd(0)),
                        r.projects(inputShapes.get(b))
                                ? Nd4jLayers.configuration(Nd4jLayers.residualProjection(r), inputShapes.get(b), dtype, 1, new Sgd(0))
                                : null,
                        slice(working, offset, unitParams));
            } else {
                while (end < blocks.size() && !(blocks.get(end) instanceof Block.Flatten) && !(blocks.get(end) instanceof Block.Residual)) {
                    end++;
                }
                List<org.deeplearning4j.nn.conf.layers.Layer> layers = new ArrayList<>();
                unitParams = 0;
                for (int i = b; i < end; i++) {
                    layers.addAll(Nd4jLayers.layers(blocks.get(i)));
                    unitParams += initialParams.get(i).length();
                }
                SegmentUnit segment = new SegmentUnit(
                        Nd4jLayers.configuration(layers, inputShapes.get(b), dtype, 1, new Sgd(0)),
                        slice(working, offset, unitParams));
                if (segment.endsWithLoss()) {
                    lossUnit = segment;
                }
                unit = segment;
            }
            if (unit.numParams() != unitParams) {
                throw new IllegalStateException("stage " + index + ": unit at block " + b + " has " + unit.numParams()
                        + " parameters, its blocks were initialised with " + unitParams);
            }
            units.add(unit);
            unitGradients.add(slice(gradients, offset, unitParams));
            if (unitParams > 0) {
                masks.add(unit.trainableMask());
            }
            offset += unitParams;
            b = end;
        }
        this.loss = lossUnit;
        this.trainable = masks.isEmpty() ? Nd4j.zeros(dtype, 0) : Nd4j.concat(0, masks.toArray(new INDArray[0])).castTo(dtype);
        this.hasStatistics = trainable.length() > 0 && trainable.minNumber().doubleValue() == 0.0;
        // a stage without parameters (pooling, flatten) has no weights to remember
        this.history = n == 0 ? new LatestHistory<>() : weights.newHistory(delay, Nd4jVectors.INSTANCE);
    }

    /** A view of {@code length} entries from {@code from}, or null when empty (ND4J has no empty views). */
    private static INDArray slice(INDArray flat, long from, long length) {
        return length == 0 ? null : flat.get(NDArrayIndex.interval(from, from + length));
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
        return master;
    }

    public long numParams() {
        return master.length();
    }

    @Override
    public INDArray forward(int unit, INDArray input, INDArray labels) {
        if (inFlight.containsKey(unit)) {
            throw new IllegalStateException("stage " + index + ": minibatch " + unit + " is already in flight");
        }
        if (last && labels == null) {
            throw new IllegalArgumentException("stage " + index + " ends with the loss and needs labels for minibatch " + unit);
        }
        history.onForward(version, master);
        if (last) {
            track(unit, new InFlight(input, labels, version, null, bytes(input)));
            return null;
        }
        useCurrentWeights();
        INDArray out = runForward(input);
        rememberedUnit = unit;
        Object[] snapshots = new Object[units.size()];
        long held = bytes(input);
        for (int i = 0; i < units.size() && snapshots != null; i++) {
            snapshots[i] = units.get(i).snapshot();
            if (snapshots[i] == null) {
                snapshots = null;
            } else if (snapshots[i] instanceof INDArray[] arrays) {
                for (int k = 1; k < arrays.length; k++) {
                    held += bytes(arrays[k]); // the first layer's input is the stage input, counted once
                }
            }
        }
        track(unit, new InFlight(input, labels, version, snapshots, snapshots == null ? bytes(input) : held));
        return out;
    }

    @Override
    public BackwardResult<INDArray> backward(int unit, INDArray gradOutput) {
        InFlight f = inFlight.remove(unit);
        if (f == null) {
            throw new IllegalStateException("stage " + index + ": backward of minibatch " + unit + " without a forward");
        }
        activationBytes -= f.bytes;
        boolean layersRemember = rememberedUnit == unit && version == f.version;
        if (history.weightsForBackward(f.version, version, master, working)) {
            workingIsCurrent = false;
        } else {
            useCurrentWeights();
        }
        rememberedUnit = -1;
        int examples = (int) f.input.size(0);
        BackwardResult<INDArray> result;
        if (last) {
            INDArray lossInput = runForward(f.input);
            SegmentUnit.LossOutcome outcome = loss.lossBackward(lossInput, f.labels);
            if (!Double.isFinite(outcome.loss())) {
                throw new DivergenceException("the loss is " + outcome.loss() + " at minibatch " + unit);
            }
            loss.addGradientsTo(unitGradients.get(units.size() - 1));
            INDArray grad = backwardThrough(units.size() - 1, outcome.gradInput());
            result = new BackwardResult<>(grad, outcome.loss(), outcome.correct(), examples);
        } else {
            if (!layersRemember) {
                if (f.snapshots != null && !alwaysRecompute) {
                    for (int i = 0; i < units.size(); i++) {
                        units.get(i).restore(f.snapshots[i]);
                    }
                } else {
                    runForward(f.input);
                }
            }
            result = BackwardResult.of(backwardThrough(units.size(), gradOutput), examples);
        }
        examplesAccumulated += examples;
        return result;
    }

    private void track(int unit, InFlight f) {
        inFlight.put(unit, f);
        activationBytes += f.bytes;
        peakActivationBytes = Math.max(peakActivationBytes, activationBytes);
    }

    /** Forward through every unit but the loss. */
    private INDArray runForward(INDArray input) {
        INDArray x = input;
        for (Unit u : units) {
            if (u == loss) {
                break;
            }
            x = u.forward(x);
        }
        return x;
    }

    /** Backward from unit {@code end − 1} down to unit 0, accumulating parameter gradients. */
    private INDArray backwardThrough(int end, INDArray gradOutput) {
        INDArray g = gradOutput;
        for (int i = end - 1; i >= 0; i--) {
            g = units.get(i).backward(g);
            units.get(i).addGradientsTo(unitGradients.get(i));
        }
        return index == 0 ? null : g;
    }

    private void useCurrentWeights() {
        if (!workingIsCurrent) {
            working.assign(master);
            workingIsCurrent = true;
        }
    }

    @Override
    public void update(double learningRate) {
        if (examplesAccumulated == 0) {
            throw new IllegalStateException("stage " + index + ": update without any backward since the last one");
        }
        history.beforeUpdate(version, master);
        if (master.length() > 0) {
            computeUpdate(learningRate);
            master.addi(applied);
        }
        version++;
        history.afterUpdate(version, applied, master);
        gradients.assign(0);
        examplesAccumulated = 0;
        workingIsCurrent = false;
    }

    /** {@code applied ← −η·v} with {@code v ← μ·v + ∇/n + λ·W} on trained entries; running statistics take their DL4J delta as is. */
    private void computeUpdate(double learningRate) {
        applied.assign(gradients).muli(trainable).divi(examplesAccumulated);
        if (sgd.weightDecay() > 0) {
            Nd4j.getBlasWrapper().level1().axpy(master.length(), sgd.weightDecay(), master.mul(trainable), applied);
        }
        if (sgd.momentum() > 0) {
            if (velocity == null) {
                velocity = Nd4j.zeros(master.dataType(), master.length());
            }
            velocity.muli(sgd.momentum()).addi(applied);
            applied.assign(velocity);
        }
        applied.muli(-learningRate);
        if (hasStatistics) {
            applied.subi(gradients.mul(trainable.rsub(1.0)));
        }
    }

    /** Inference-mode output of this stage (class probabilities from the last stage). */
    public INDArray infer(INDArray input) {
        useCurrentWeights();
        rememberedUnit = -1;
        INDArray x = input;
        for (Unit u : units) {
            x = u.infer(x);
        }
        return x;
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

    private static long bytes(INDArray a) {
        return a.length() * a.dataType().width();
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public ReconstructionStats drainReconstructionStats() {
        return history.drainReconstructionStats();
    }

    /** Gradients summed since the last update (tests read them for gradient checks). */
    INDArray accumulatedGradients() {
        return gradients;
    }

    /** Per parameter: 1 if trained by gradient descent, 0 for batch-norm running statistics. */
    INDArray trainableMask() {
        return trainable;
    }

    /** Tells the stage its current weights were changed from outside (tests perturb them for finite differences). */
    void currentWeightsChanged() {
        workingIsCurrent = false;
        rememberedUnit = -1;
    }

    @Override
    public void close() {
        inFlight.clear();
    }
}
