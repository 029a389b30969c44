package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Event;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightHistory;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Weight-history memory measured on real stages: STASH grows with M, EMA stays one copy per stale stage. */
class WeightMemoryTest {

    @Test
    void measuredHistoryBytesMatchTheTableAndStashGrowsWithStages() {
        ModelSpec model = TestModels.mlp();
        long[] totals = new long[5];
        long[] emaTotals = new long[5];
        for (Partition partition : List.of(Partition.of(4), Partition.of(2, 2), Partition.of(1, 1, 2), Partition.of(1, 1, 1, 1))) {
            long[] stash = measuredPeaks(model, partition, WeightSettings.stash());
            long[] ema = measuredPeaks(model, partition, WeightSettings.ema(EmaRule.PIPELINE_AWARE));
            long[] blockParams = model.parameterCounts();
            int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(partition);
            for (int s = 0; s < partition.numStages(); s++) {
                long params = WeightMemory.stageParams(partition, blockParams, s);
                int delay = delays[s];
                assertEquals(WeightMemory.peakBytes(WeightMode.STASH, delay, params, 8), stash[s], partition + " stash stage " + s);
                assertEquals(WeightMemory.peakBytes(WeightMode.EMA, delay, params, 8), ema[s], partition + " ema stage " + s);
                assertTrue(ema[s] <= params * 8, "EMA holds at most one copy");
                totals[partition.numStages()] += stash[s];
                emaTotals[partition.numStages()] += ema[s];
            }
            System.out.println("MLP " + partition + " (LayerPipe2, double):\n"
                    + WeightMemory.table(partition, blockParams, ScheduleKind.LAYERPIPE2, 8));
        }
        assertTrue(totals[1] < totals[2] && totals[2] < totals[3] && totals[3] < totals[4],
                "STASH memory must grow with M: " + java.util.Arrays.toString(totals));
        long all = model.totalParameters() * 8;
        for (int m = 1; m <= 4; m++) {
            assertTrue(emaTotals[m] <= all, "EMA memory stays within 1x|W| at M=" + m);
        }
    }

    @Test
    void resnet18TableMatchesRealHistoriesStashGrowingAndEmaFlat() {
        ModelSpec resnet = Models.resnet18(new Shape.Image(3, 32, 32), 100);
        long params = resnet.totalParameters();
        assertTrue(params > 10_500_000 && params < 11_500_000, "ResNet-18 has about 11M parameters, got " + params);
        long previousStash = -1;
        for (int m : new int[] {2, 4, 8}) {
            Partition p = BalancedPartitioner.partition(resnet.estimatedCosts(), m);
            String table = WeightMemory.table(p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            System.out.println("resnet18 M=" + m + " " + p + ":\n" + table);
            long stash = WeightMemory.totalPeakBytes(WeightMode.STASH, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            long ema = WeightMemory.totalPeakBytes(WeightMode.EMA, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            // the table's figures against what the histories the stages use really hold, on float vectors
            assertEquals(stash, historyPeakBytes(p, resnet.parameterCounts(), WeightSettings.stash()), "stash at M=" + m);
            assertEquals(ema, historyPeakBytes(p, resnet.parameterCounts(), WeightSettings.ema(EmaRule.PIPELINE_AWARE)), "ema at M=" + m);
            assertTrue(stash > previousStash, "stash grows with M");
            assertTrue(ema <= params * 4, "ema stays within one copy");
            previousStash = stash;
        }
    }

    /**
     * Peak bytes the weight histories of every stage hold when driven by the stage's own events of a
     * LayerPipe2 schedule long enough to reach steady state: a forward at the current version, the
     * backward of an earlier forward, and updates, on float vectors of the stage's size.
     */
    private static long historyPeakBytes(Partition partition, long[] blockParams, WeightSettings settings) {
        int stages = partition.numStages();
        Schedule schedule = Schedule.generate(ScheduleKind.LAYERPIPE2, stages, 4 * stages + 4, 1);
        long total = 0;
        for (int s = 0; s < stages; s++) {
            int delay = ScheduleKind.LAYERPIPE2.delay(partition.stageStagesAfter(s));
            WeightHistory<INDArray> history = settings.newHistory(delay, Nd4jVectors.INSTANCE);
            INDArray current = Nd4j.zeros(DataType.FLOAT, WeightMemory.stageParams(partition, blockParams, s));
            INDArray applied = Nd4j.valueArrayOf(current.shape(), 1e-3f);
            INDArray scratch = history.usesScratch() ? Nd4j.zeros(DataType.FLOAT, current.length()) : null;
            Map<Integer, Long> forwardVersion = new HashMap<>();
            long version = 0;
            for (Event e : schedule.events()) {
                if (e.stage() != s) {
                    continue;
                }
                switch (e.op()) {
                    case FORWARD -> {
                        history.onForward(version, current);
                        forwardVersion.put(e.minibatch(), version);
                    }
                    case BACKWARD -> history.weightsForBackward(forwardVersion.remove(e.minibatch()), version, current, scratch);
                    case UPDATE -> {
                        history.beforeUpdate(version, current);
                        current.addi(applied);
                        history.afterUpdate(++version, history.needsAppliedUpdate() ? applied : null, current);
                    }
                }
            }
            total += history.peakBytes();
        }
        return total;
    }

    private static long[] measuredPeaks(ModelSpec model, Partition partition, WeightSettings weights) {
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(partition);
        List<INDArray> init = Nd4jLayers.initialParameters(model, DataType.DOUBLE, 1);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, init, delays, weights, SgdSettings.PLAIN, DataType.DOUBLE)) {
            Schedule schedule = Schedule.generate(ScheduleKind.LAYERPIPE2, partition.numStages(), 12, 1);
            ReferenceExecutor.run(schedule, pipeline.stages(), TestModels.data(model, 12, 4, 1, DataType.DOUBLE),
                    LearningRate.constant(0.05));
            return pipeline.stages().stream().mapToLong(Nd4jStage::peakHistoryBytes).toArray();
        }
    }
}
