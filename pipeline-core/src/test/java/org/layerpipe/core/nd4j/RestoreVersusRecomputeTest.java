package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.LearningRate;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.SgdSettings;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stale backward may either restore the layer inputs kept from the forward or recompute the
 * forward from the stage input. With STASH the backward's weights are exactly the forward's,
 * so both must train to the same weights — this pins the restore path (used by stages without
 * batch norm) to the recompute path, whose arithmetic the transparency tests tie to DL4J.
 */
class RestoreVersusRecomputeTest {

    @Test
    void restoringLayerInputsEqualsRecomputingTheForwardUnderStash() {
        ModelSpec model = TestModels.mlp();
        for (Partition p : List.of(Partition.of(1, 1, 1, 1), Partition.of(2, 2), Partition.of(1, 3))) {
            INDArray restored = train(model, p, false);
            INDArray recomputed = train(model, p, true);
            double diff = TestModels.maxAbsDiff(restored, recomputed);
            assertTrue(diff <= 1e-12, p + ": max |W_restore − W_recompute| = " + diff);
        }
    }

    private static INDArray train(ModelSpec model, Partition p, boolean recompute) {
        int[] delays = new int[p.numStages()];
        for (int s = 0; s < delays.length; s++) {
            delays[s] = ScheduleKind.LAYERPIPE2.delay(p.stageStagesAfter(s));
        }
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 4), delays,
                WeightSettings.stash(), new SgdSettings(0.9, 1e-4), DataType.DOUBLE)) {
            pipeline.stages().forEach(s -> s.alwaysRecompute = recompute);
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, p.numStages(), 16, 1), pipeline.stages(),
                    TestModels.data(model, 16, 8, 2, DataType.DOUBLE), LearningRate.constant(0.1));
            return pipeline.parameters();
        }
    }
}
