package org.layerpipe.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.plan.PartitionSearch;
import org.layerpipe.core.plan.PlanSettings;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightMode;

class TrialPlannerTest {

    private static TrialConfig planned(Map<String, String> settings) {
        TrialConfig base = TrialConfig.fromParams(Map.of("plan", "true", "model", "resnet18", "data", "cifar100", "batch_size", "128"));
        return base.with(settings);
    }

    @Test
    void planSettingsRoundTripAndDefaultToLayerpipePlansFlags() {
        TrialConfig c = planned(Map.of("plan.costs", "measured", "plan.link_gbps", "25", "plan.link_latency_us", "2.5"));
        assertEquals(c, TrialConfig.fromParams(c.toParams()));
        assertEquals(new PlanSettings(true, PlanSettings.Costs.MEASURED, 10, 25, 2.5), c.plan());
        assertEquals(new PlanSettings(false, PlanSettings.Costs.ESTIMATED, 10, 100, 10), TrialConfig.defaults().plan());
        assertEquals("measured", c.toParams().get("plan.costs"));
    }

    @Test
    void aBalancedPartitionIsTheSearchsBestOnThatManyDevices() {
        TrialConfig c = planned(Map.of("partition", "balanced:8", "schedule", "gpipe", "microbatches", "4"));
        Prediction p = TrialPlanner.plan(c, () -> {
            throw new AssertionError("estimated costs start no backend");
        });
        PartitionSearch.Plan best = PartitionSearch.best(TrialPlanner.model(c), ScheduleKind.GPIPE, 8, 4, 128,
                BlockCosts.estimated(TrialPlanner.model(c), 10), c.plan().link());
        assertEquals(best.partition(), p.partition());
        assertEquals(8, p.devices());
        assertEquals(best.simulation().secondsPerMinibatch(), p.secondsPerMinibatch(), 1e-15);
        assertEquals(128 / p.secondsPerMinibatch(), p.samplesPerSecond(), 1e-6);
        // GPipe at m = 4 on 8 devices: its flush (p − 1)/(m + p − 1) = 7/11 at least
        assertTrue(p.bubble() > 0.6 && p.bubble() < 0.8, "bubble " + p.bubble());
        assertArrayEquals(new int[8], p.stageStaleness());
        assertEquals(0, java.util.Arrays.stream(p.stageHistoryBytes(WeightMode.STASH)).sum(), "GPipe is never stale");
    }

    @Test
    void anExplicitPartitionIsSimulatedAsWrittenWithItsHistories() {
        TrialConfig c = planned(Map.of("partition", "[4,4,4,3]", "schedule", "layerpipe2"));
        Prediction p = TrialPlanner.plan(c, () -> null);
        assertEquals("[4,4,4,3]", p.partition().toString());
        assertArrayEquals(new int[] {6, 4, 2, 0}, p.stageStaleness());
        long[] weights = p.stageWeightBytes();
        assertArrayEquals(new long[] {6 * weights[0], 4 * weights[1], 2 * weights[2], 0}, p.stageHistoryBytes(WeightMode.STASH));
        assertArrayEquals(new long[] {weights[0], weights[1], weights[2], 0}, p.stageHistoryBytes(WeightMode.EMA));
        assertArrayEquals(new long[4], p.stageHistoryBytes(WeightMode.LATEST));
        // stage 0 holds 2S + 1 = 7 units in flight, the last one 1
        assertEquals(7, p.simulation().peakUnitsInFlight()[0]);
        assertEquals(p.deviceActivationBytes()[0], 7 * p.costs().activationBytes()[0]);
        for (double share : p.deviceBusyShare()) {
            assertTrue(share > 0 && share <= 1, "busy share " + share);
        }
    }

    @Test
    void aSlowerLinkOrDeviceIsSlowerAndMeasuredCostsAskTheBackend() {
        TrialConfig fast = planned(Map.of("partition", "balanced:4", "schedule", "1f1b"));
        double base = TrialPlanner.plan(fast, () -> null).secondsPerMinibatch();
        assertTrue(TrialPlanner.plan(fast.with(Map.of("plan.link_gbps", "1")), () -> null).secondsPerMinibatch() > base);
        assertTrue(TrialPlanner.plan(fast.with(Map.of("plan.device_tflops", "1")), () -> null).secondsPerMinibatch() > 5 * base);
        IllegalStateException asked = assertThrows(IllegalStateException.class,
                () -> TrialPlanner.plan(fast.with(Map.of("plan.costs", "measured")), () -> {
                    throw new IllegalStateException("profiled");
                }));
        assertEquals("profiled", asked.getMessage());
    }

    @Test
    void interleavedIsAPlannedScheduleWithItsOwnRulesInOneSentence() {
        Prediction p = TrialPlanner.plan(planned(Map.of("partition", "balanced:2", "schedule", "interleaved-1f1b", "microbatches", "4")),
                () -> null);
        assertEquals(2, p.devices());
        assertEquals(4, p.partition().numStages());
        assertEquals("interleaved 1F1B on 8 devices needs 16 stages (2 chunks each) but the model has 15 blocks",
                assertThrows(IllegalArgumentException.class, () -> TrialPlanner.plan(planned(Map.of("partition", "balanced:8",
                        "schedule", "interleaved-1f1b", "microbatches", "8")), () -> null)).getMessage());
        assertEquals("interleaved 1F1B needs the microbatches per minibatch to be a multiple of the 3 devices (Megatron-LM's rule),"
                + " but they are 4: use 6 or 3",
                assertThrows(IllegalArgumentException.class, () -> TrialPlanner.plan(planned(Map.of("partition", "balanced:3",
                        "schedule", "interleaved-1f1b", "microbatches", "4")), () -> null)).getMessage());
        assertEquals("16 devices for 15 blocks: a device needs at least one block",
                assertThrows(IllegalArgumentException.class, () -> TrialPlanner.plan(planned(Map.of("partition", "balanced:16")),
                        () -> null)).getMessage());
    }

    @Test
    void aPlannedTrialsIdHoldsWhatItSimulatesOnly() {
        TrialConfig c = planned(Map.of("partition", "balanced:4"));
        TrialConfig trained = c.with(Map.of("plan", "false"));
        assertNotEquals(c.configHash(), trained.configHash(), "a plan is not the trained trial's result");
        assertEquals(c.configHash(), c.with(Map.of("seed", "2", "lr", "0.3", "weights", "stash", "epochs", "9",
                "precision", "double", "data.augment", "true")).configHash(), "nothing is trained");
        assertNotEquals(c.configHash(), c.with(Map.of("plan.link_gbps", "25")).configHash());
        assertNotEquals(c.configHash(), c.with(Map.of("batch_size", "64")).configHash());
        assertEquals(c.with(Map.of("plan.costs", "measured")).configHash(),
                c.with(Map.of("plan.costs", "measured", "plan.device_tflops", "3")).configHash(), "measured costs use no TFLOP/s");
        assertEquals(trained.configHash(), trained.with(Map.of("plan.link_gbps", "25")).configHash(), "a trained trial ignores plan costs");
        assertEquals(TrialConfig.fromParams(Map.of("model", "resnet18", "data", "cifar100", "batch_size", "128",
                "partition", "balanced:4")).configHash(), trained.configHash(), "plan settings left trained ids as they were");
    }

    @Test
    void badPlanSettingsNameTheSetting() {
        assertEquals("setting 'plan.costs': unknown costs 'guessed': use estimated or measured",
                assertThrows(IllegalArgumentException.class, () -> planned(Map.of("plan.costs", "guessed"))).getMessage());
        assertEquals("setting 'plan': expected true or false, got 'maybe'",
                assertThrows(IllegalArgumentException.class, () -> planned(Map.of("plan", "maybe"))).getMessage());
        assertEquals("plan.link_gbps must be a number > 0 (Gbit/s), got 0.0",
                assertThrows(IllegalArgumentException.class, () -> planned(Map.of("plan.link_gbps", "0"))).getMessage());
    }
}
