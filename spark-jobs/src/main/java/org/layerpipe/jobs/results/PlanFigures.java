package org.layerpipe.jobs.results;

import java.io.Serializable;
import java.util.Arrays;

import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.weights.WeightMode;

/**
 * A planned trial's predicted figures as they travel to the tables and to and from MLflow: plain
 * numbers, where {@link Prediction} holds the whole simulation. Per-device arrays have one value
 * per device, per-stage arrays one per stage (interleaved 1F1B: two stages per device).
 *
 * @param devices                 devices the stages run on
 * @param secondsPerMinibatch     steady-state time per minibatch
 * @param samplesPerSecond        steady-state examples per second
 * @param bubble                  idle share of device time in steady state
 * @param makespanSeconds         the simulated run (a fixed number of minibatches, fill and drain included), first start to last end
 * @param criticalPathEvents      events on the chain that decided the makespan
 * @param deviceActivationBytes   most activation bytes each device holds at once
 * @param deviceBusy              share of the simulated run each device computed
 * @param stageStaleness          updates between a unit's forward and its backward, per stage
 * @param stageWeightBytes        bytes of each stage's current weights (float32)
 * @param stageHistoryBytesStash  peak STASH history per stage, beyond the current weights (LATEST keeps none)
 * @param stageHistoryBytesEma    peak EMA history per stage
 */
public record PlanFigures(int devices, double secondsPerMinibatch, double samplesPerSecond, double bubble, double makespanSeconds,
                          int criticalPathEvents, double[] deviceActivationBytes, double[] deviceBusy, double[] stageStaleness,
                          double[] stageWeightBytes, double[] stageHistoryBytesStash, double[] stageHistoryBytesEma)
        implements Serializable {

    public PlanFigures {
        deviceActivationBytes = deviceActivationBytes.clone();
        deviceBusy = deviceBusy.clone();
        stageStaleness = stageStaleness.clone();
        stageWeightBytes = stageWeightBytes.clone();
        stageHistoryBytesStash = stageHistoryBytesStash.clone();
        stageHistoryBytesEma = stageHistoryBytesEma.clone();
    }

    public static PlanFigures of(Prediction p) {
        return new PlanFigures(p.devices(), p.secondsPerMinibatch(), p.samplesPerSecond(), p.bubble(), p.simulation().makespan(),
                p.simulation().criticalPath().size(), doubles(p.deviceActivationBytes()), p.deviceBusyShare(),
                Arrays.stream(p.stageStaleness()).asDoubleStream().toArray(), doubles(p.stageWeightBytes()),
                doubles(p.stageHistoryBytes(WeightMode.STASH)), doubles(p.stageHistoryBytes(WeightMode.EMA)));
    }

    /** The device holding the most activations: its bytes. */
    public long peakActivationBytes() {
        return (long) Arrays.stream(deviceActivationBytes).max().orElse(0);
    }

    public long weightBytes() {
        return (long) Arrays.stream(stageWeightBytes).sum();
    }

    public long historyBytesStash() {
        return (long) Arrays.stream(stageHistoryBytesStash).sum();
    }

    public long historyBytesEma() {
        return (long) Arrays.stream(stageHistoryBytesEma).sum();
    }

    private static double[] doubles(long[] a) {
        return Arrays.stream(a).asDoubleStream().toArray();
    }
}
