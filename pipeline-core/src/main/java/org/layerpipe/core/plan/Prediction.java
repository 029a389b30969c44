package org.layerpipe.core.plan;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.partition.PartitionSpec;
import org.layerpipe.core.schedule.InterleavedOneFOneBSchedule;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;

/**
 * What the planner predicts for one pipeline setup — a model, a partition on its devices, a
 * schedule, microbatches and a batch size — from one {@link Simulator} run: the figures a planned
 * sweep trial logs instead of trained ones. A {@code balanced:M} partition means M devices and the
 * best partition {@link PartitionSearch} finds for the schedule there (interleaved 1F1B: 2M stages
 * on M devices); an explicit partition is simulated as written. Values are float32, as
 * {@link PartitionSearch} costs them.
 *
 * @param kind         the schedule
 * @param partition    the partition simulated (the search's, for {@code balanced:M})
 * @param devices      devices the stages run on (stages / 2 for interleaved 1F1B)
 * @param batchSize    examples per minibatch
 * @param simulation   the simulated run: times, bubble, units in flight, critical path, timeline
 * @param costs        the stages' costs the simulation used (activation bytes per unit among them)
 * @param stageParams  parameters per stage
 */
public record Prediction(ScheduleKind kind, Partition partition, int devices, int batchSize, Simulation simulation,
                         StageCosts costs, long[] stageParams) {

    /** Bytes per value the planner assumes: float32. */
    public static final int BYTES_PER_VALUE = 4;

    public Prediction {
        stageParams = stageParams.clone();
    }

    /**
     * Simulates {@code partition} of {@code model} under {@code kind}.
     *
     * @throws IllegalArgumentException in one sentence when the setup cannot run ({@link #check})
     */
    public static Prediction of(ModelSpec model, PartitionSpec partition, ScheduleKind kind, int microbatches, int batchSize,
                                BlockCosts blocks, Link link) {
        int devices = check(model, partition, kind, microbatches);
        PartitionSearch.Plan plan = partition instanceof PartitionSpec.Explicit explicit
                ? PartitionSearch.evaluate(model, new Partition(explicit.sizes()), kind, microbatches, batchSize, blocks, link)
                : PartitionSearch.best(model, kind, devices, microbatches, batchSize, blocks, link);
        long[] blockParams = model.parameterCounts();
        long[] params = new long[plan.partition().numStages()];
        for (int s = 0; s < params.length; s++) {
            params[s] = WeightMemory.stageParams(plan.partition(), blockParams, s);
        }
        return new Prediction(kind, plan.partition(), devices, batchSize, plan.simulation(), plan.costs(), params);
    }

    /**
     * Whether the setup can be simulated, without simulating it (for validating sweeps): every device
     * needs a block, an explicit partition must cover the model, and interleaved 1F1B needs 2 stages per
     * device and microbatches that are a multiple of the devices (Megatron-LM's rule).
     *
     * @return the number of devices
     * @throws IllegalArgumentException naming what does not fit and how to fix it
     */
    public static int check(ModelSpec model, PartitionSpec partition, ScheduleKind kind, int microbatches) {
        boolean interleaved = kind == ScheduleKind.INTERLEAVED_1F1B;
        int chunks = interleaved ? Schedule.INTERLEAVED_CHUNKS : 1;
        int devices;
        if (partition instanceof PartitionSpec.Explicit explicit) {
            explicit.resolve(model.numBlocks(), null);
            int stages = explicit.numStages();
            if (stages % chunks != 0) {
                throw new IllegalArgumentException("interleaved 1F1B puts " + chunks + " stages on each device, but partition " + partition
                        + " has " + stages + ": give it a multiple of " + chunks + " stages, or use balanced:M for M devices");
            }
            devices = stages / chunks;
        } else {
            devices = partition.numStages();
            PartitionSearch.stages(model, kind, devices);
        }
        if (interleaved) {
            InterleavedOneFOneBSchedule.requireMicrobatches(devices, microbatches);
        }
        return devices;
    }

    /** Steady-state seconds per minibatch. */
    public double secondsPerMinibatch() {
        return simulation.secondsPerMinibatch();
    }

    /** Steady-state examples per second. */
    public double samplesPerSecond() {
        return simulation.samplesPerSecond(batchSize);
    }

    /** Idle share of device time in steady state ({@link Simulation#bubble()}). */
    public double bubble() {
        return simulation.bubble();
    }

    /** Updates between a unit's forward and its backward, per stage (the schedule's delay). */
    public int[] stageStaleness() {
        return kind.stageDelays(partition);
    }

    /** Most activation bytes each device holds at once: its stages' peak units in flight times their bytes per unit. */
    public long[] deviceActivationBytes() {
        long[] bytes = new long[devices];
        for (int d = 0; d < devices; d++) {
            bytes[d] = simulation.peakActivationBytes(d, costs.activationBytes());
        }
        return bytes;
    }

    /** Share of the simulated run each device computed: its busy seconds over the makespan (fill and drain included). */
    public double[] deviceBusyShare() {
        double[] share = new double[devices];
        for (int d = 0; d < devices; d++) {
            share[d] = simulation.busy()[d] / simulation.makespan();
        }
        return share;
    }

    /** Bytes of each stage's current weights. */
    public long[] stageWeightBytes() {
        long[] bytes = new long[stageParams.length];
        for (int s = 0; s < bytes.length; s++) {
            bytes[s] = stageParams[s] * BYTES_PER_VALUE;
        }
        return bytes;
    }

    /** Peak weight-history bytes of each stage under {@code mode}, beyond its current weights ({@link WeightMemory}). */
    public long[] stageHistoryBytes(WeightMode mode) {
        int[] delays = stageStaleness();
        long[] bytes = new long[stageParams.length];
        for (int s = 0; s < bytes.length; s++) {
            bytes[s] = WeightMemory.peakBytes(mode, delays[s], stageParams[s], BYTES_PER_VALUE);
        }
        return bytes;
    }
}
