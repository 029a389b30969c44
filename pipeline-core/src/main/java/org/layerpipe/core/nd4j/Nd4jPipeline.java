package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A model split into {@link Nd4jStage}s by a partition: the ND4J side of one trial. */
public final class Nd4jPipeline implements AutoCloseable {

    static {
        NativeRuntime.choose();
    }

    private final ModelSpec model;
    private final Partition partition;
    private final List<Nd4jStage> stages;

    private Nd4jPipeline(ModelSpec model, Partition partition, List<Nd4jStage> stages) {
        this.model = model;
        this.partition = partition;
        this.stages = List.copyOf(stages);
    }

    /**
     * Builds the stages.
     *
     * @param initialParams flat initial parameters per block (see {@link Nd4jLayers#initialParameters(ModelSpec, DataType, long)})
     * @param stageDelays   nominal delay of each stage under the schedule that will run
     */
    public static Nd4jPipeline build(ModelSpec model, Partition partition, List<INDArray> initialParams, int[] stageDelays,
                                     WeightSettings weights, SgdSettings sgd, DataType dtype) {
        return build(model, partition, initialParams, stageDelays, weights, sgd, dtype, ActivationPolicy.STASH);
    }

    /** {@link #build} with an explicit activation policy. */
    public static Nd4jPipeline build(ModelSpec model, Partition partition, List<INDArray> initialParams, int[] stageDelays,
                                     WeightSettings weights, SgdSettings sgd, DataType dtype, ActivationPolicy activations) {
        if (partition.numBlocks() != model.numBlocks()) {
            throw new IllegalArgumentException("partition " + partition + " covers " + partition.numBlocks()
                    + " blocks but model " + model.name() + " has " + model.numBlocks());
        }
        if (stageDelays.length != partition.numStages()) {
            throw new IllegalArgumentException("need one delay per stage (" + partition.numStages() + "), got " + stageDelays.length);
        }
        List<Shape> shapes = model.shapes();
        List<Nd4jStage> stages = new ArrayList<>();
        for (int s = 0; s < partition.numStages(); s++) {
            int from = partition.firstBlock(s);
            int to = partition.endBlock(s);
            stages.add(new Nd4jStage(s, model.blocks().subList(from, to), shapes.subList(from, to),
                    initialParams.subList(from, to), weights, stageDelays[s], sgd, dtype, activations));
            if (s > 0) {
                stages.get(s - 1).connect(stages.get(s));
            }
        }
        return new Nd4jPipeline(model, partition, stages);
    }

    public ModelSpec model() {
        return model;
    }

    public Partition partition() {
        return partition;
    }

    public List<Nd4jStage> stages() {
        return stages;
    }

    /** A copy of the whole model's current weights, stage after stage (the layout of the plain reference network). */
    public INDArray parameters() {
        INDArray[] parts = stages.stream().map(s -> s.parameters().dup()).toArray(INDArray[]::new);
        return Nd4j.concat(0, parts);
    }

    /** Inference through every stage: class probabilities. */
    public INDArray predict(INDArray input) {
        INDArray x = input;
        for (Nd4jStage s : stages) {
            x = s.infer(x);
        }
        return x;
    }

    @Override
    public void close() {
        stages.forEach(Nd4jStage::close);
    }
}
