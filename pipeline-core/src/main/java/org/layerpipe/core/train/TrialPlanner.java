package org.layerpipe.core.train;

import java.util.Map;
import java.util.function.Supplier;

import org.layerpipe.core.data.DataSets;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.plan.PlanSettings;
import org.layerpipe.core.plan.Prediction;

/**
 * A planned trial ({@code plan: true}): the trial's model, partition, schedule, microbatches and
 * batch size simulated with its plan's cost model ({@link Prediction}) instead of trained. Reads no
 * data — the data set's name gives the input shape and the classes — and writes no checkpoint.
 */
public final class TrialPlanner {

    private TrialPlanner() {
    }

    /** The model a trial builds, from the data set's input shape, without reading the data. */
    public static ModelSpec model(TrialConfig config) {
        String data = config.data().name();
        return config.model().build(DataSets.inputShape(data), DataSets.numClasses(data));
    }

    /**
     * Simulates {@code config}.
     *
     * @param backend profiles the blocks when the plan's costs are measured (not called for estimated costs,
     *                so that planning with estimates never starts a compute backend)
     * @throws IllegalArgumentException in one sentence when the setup cannot be simulated ({@link Prediction#check})
     */
    public static Prediction plan(TrialConfig config, Supplier<TrainingBackend> backend) {
        PlanSettings plan = config.plan();
        ModelSpec model = model(config);
        BlockCosts costs;
        if (plan.costs() == PlanSettings.Costs.MEASURED) {
            // profiled in float, the precision the planner costs values in
            StageSpec spec = StageSpec.of(config.with(Map.of("precision", Precision.FLOAT.label())));
            costs = backend.get().profile(model, spec);
        } else {
            costs = BlockCosts.estimated(model, plan.deviceTflops());
        }
        return Prediction.of(model, config.partition(), config.schedule(), config.microbatches(), config.batchSize(), costs,
                plan.link());
    }
}
