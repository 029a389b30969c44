package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A first stage holding only the first dense layer needs no input gradient, so its weight
 * gradient {@code gᵀ·x} does not depend on its weights: every weight mode must train it — and so
 * the whole pipeline, whose last stage is never stale — to the same weights, while the stage skips
 * the reconstruction. The control: one more layer on the first stage, and the modes differ.
 */
class WeightFreeBackwardTest {

    @Test
    void everyWeightModeTrainsAWeightFreeBackwardAlike() {
        ModelSpec model = TestModels.mlp();
        INDArray latest = train(model, Partition.of(1, 3), WeightSettings.latest());
        for (WeightSettings w : List.of(WeightSettings.stash(), WeightSettings.ema(EmaRule.PIPELINE_AWARE),
                WeightSettings.ema(EmaRule.WEIGHT_AVERAGE))) {
            double diff = TestModels.maxAbsDiff(latest, train(model, Partition.of(1, 3), w));
            assertTrue(diff <= 1e-12, w.label() + " differs from latest by " + diff);
        }
        double control = TestModels.maxAbsDiff(train(model, Partition.of(2, 2), WeightSettings.latest()),
                train(model, Partition.of(2, 2), WeightSettings.stash()));
        assertTrue(control > 1e-6, "with a stale layer that needs an input gradient, LATEST and STASH must differ: " + control);
    }

    private static INDArray train(ModelSpec model, Partition p, WeightSettings weights) {
        int[] delays = ScheduleKind.LAYERPIPE2.stageDelays(p);
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, p, Nd4jLayers.initialParameters(model, DataType.DOUBLE, 6), delays,
                weights, new SgdSettings(0.9, 0), DataType.DOUBLE)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, p.numStages(), 20, 1), pipeline.stages(),
                    TestModels.data(model, 20, 8, 5, DataType.DOUBLE), LearningRate.constant(0.05));
            return pipeline.parameters();
        }
    }
}
