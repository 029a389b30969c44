package org.layerpipe.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.optim.LrSchedule;
import org.layerpipe.core.optim.OptimizerConfig;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightMode;

class TrialConfigTest {

    /** {@code TrialConfig.defaults().configHash()} computed by the code of commit 2830000. */
    private static final String PRE_ACTIVATIONS_DEFAULT_HASH = "b0aa70057b0778ba";

    @Test
    void paramsRoundTripAndDefaults() {
        TrialConfig c = TrialConfig.fromParams(Map.of("model", "cnn", "partition", "[2, 3]", "weights", "ema",
                "ema.rule", "weight-average", "schedule", "1f1b", "lr", "0.1", "lr_schedule", "cosine", "seed", "7"));
        assertEquals(c, TrialConfig.fromParams(c.toParams()));
        assertEquals("[2,3]", c.toParams().get("partition"));
        assertEquals("1f1b", c.toParams().get("schedule"));
        assertEquals("weight-average", c.toParams().get("ema.rule"));
        assertEquals(ScheduleKind.ONE_F_ONE_B, c.schedule());
        assertEquals(WeightMode.EMA, c.weights().mode());
        assertEquals(EmaRule.WEIGHT_AVERAGE, c.weights().rule());
        assertEquals(Setting.ALL.size(), c.toParams().size());
        assertEquals(TrialConfig.defaults(), TrialConfig.fromParams(Map.of()));
    }

    @Test
    void hashIsStableAndIgnoresResources() {
        TrialConfig c = TrialConfig.defaults();
        assertEquals(c.configHash(), TrialConfig.fromParams(c.toParams()).configHash());
        assertEquals(16, c.configHash().length());
        assertEquals(c.configHash(), c.with(Map.of("threads", "1")).configHash(), "threads do not change the result");
        assertNotEquals(c.configHash(), c.with(Map.of("seed", "2")).configHash());
        assertNotEquals(c.configHash(), c.with(Map.of("ema.rule", "fixed", "ema.beta", "0.5")).configHash());
        assertNotEquals(c.configHash(), c.with(Map.of("activations", "recompute")).configHash());
    }

    @Test
    void settingsATrialIgnoresAreNotPartOfItsId() {
        TrialConfig stash = TrialConfig.fromParams(Map.of("weights", "stash"));
        assertEquals(stash.configHash(), stash.with(Map.of("ema.beta", "0.5")).configHash(), "stash uses no beta");
        assertEquals(stash.configHash(), stash.with(Map.of("ema.rule", "fixed", "ema.beta", "0.5")).configHash(), "nor an EMA rule");
        TrialConfig ema = TrialConfig.defaults();
        assertEquals(ema.configHash(), ema.with(Map.of("ema.beta", "0.5")).configHash(), "the pipeline-aware rule derives its own beta");
        TrialConfig cnn = TrialConfig.fromParams(Map.of("model", "cnn"));
        assertEquals(cnn.configHash(), cnn.with(Map.of("model.hidden", "64")).configHash(), "only the mlp has hidden widths");
        for (Map<String, String> neverStale : List.of(Map.of("schedule", "sequential"), Map.of("schedule", "gpipe"),
                Map.of("partition", "balanced:1"), Map.of("partition", "[5]", "schedule", "1f1b"))) {
            TrialConfig base = ema.with(neverStale);
            assertEquals(base.configHash(), base.with(Map.of("weights", "latest")).configHash(), neverStale + ": no stage is stale");
            assertEquals(base.configHash(), base.with(Map.of("weights", "stash")).configHash(), neverStale + ": no stage is stale");
            assertEquals(base.configHash(), base.with(Map.of("ema.rule", "fixed", "ema.beta", "0.5")).configHash(), neverStale.toString());
        }
        // a trained trial uses none of the plan's cost settings
        Set<String> provenance = Set.of("data.path", "ema.shadow", "threads", "checkpoint.dir", "checkpoint.every", "checkpoint.keep",
                "plan.costs", "plan.device_tflops", "plan.link_gbps", "plan.link_latency_us");
        assertEquals(union(provenance, Set.of("ema.beta", "microbatches")), ema.ignoredSettings());
        assertEquals(union(provenance, Set.of("ema.rule", "ema.beta", "model.hidden", "microbatches")), cnn.with(Map.of("weights", "latest"))
                .ignoredSettings());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void checkpointSettingsAreProvenanceNotIdentity() {
        TrialConfig c = TrialConfig.defaults();
        TrialConfig checkpointed = c.with(Map.of("checkpoint.dir", "hdfs:///ckpt", "checkpoint.every", "3", "checkpoint.keep", "5"));
        assertEquals(c.configHash(), checkpointed.configHash(), "where and how often a trial checkpoints does not change what it trains");
        assertEquals(new CheckpointConfig("hdfs:///ckpt", 3, 5), checkpointed.checkpoint());
        assertEquals(checkpointed, TrialConfig.fromParams(checkpointed.toParams()));
        assertEquals(new CheckpointConfig("", 1, 2), c.checkpoint());
        assertEquals("checkpoint.every must be >= 1 epoch, got 0", assertThrows(IllegalArgumentException.class,
                () -> c.with(Map.of("checkpoint.every", "0"))).getMessage());
        assertEquals("setting 'checkpoint.keep': 'two' is not a valid number", assertThrows(IllegalArgumentException.class,
                () -> c.with(Map.of("checkpoint.keep", "two"))).getMessage());
    }

    @Test
    void dataLocationAndDiagnosticsAreProvenanceNotIdentity() {
        TrialConfig c = TrialConfig.fromParams(Map.of("data.path", "file:/data/fashion-mnist"));
        assertEquals(c.configHash(), c.with(Map.of("data.path", "hdfs:///datasets/fashion-mnist")).configHash(), "moving the data keeps the id");
        assertEquals(TrialConfig.defaults().configHash(), c.configHash());
        assertEquals(c.configHash(), c.with(Map.of("ema.shadow", "true")).configHash());
        // still logged with the trial
        assertEquals("file:/data/fashion-mnist", c.toParams().get("data.path"));
    }

    @Test
    void settingsThatShapeTheWeightsStayInTheId() {
        TrialConfig fixed = TrialConfig.fromParams(Map.of("ema.rule", "fixed", "ema.beta", "0.9"));
        assertNotEquals(fixed.configHash(), fixed.with(Map.of("ema.beta", "0.5")).configHash());
        TrialConfig mlp = TrialConfig.defaults();
        assertNotEquals(mlp.configHash(), mlp.with(Map.of("model.hidden", "64")).configHash());
        assertNotEquals(mlp.configHash(), mlp.with(Map.of("weights", "stash")).configHash(), "layerpipe2 at M = 2 is stale");
        assertNotEquals(mlp.configHash(), mlp.with(Map.of("schedule", "1f1b")).configHash());
        TrialConfig gpipe = TrialConfig.fromParams(Map.of("schedule", "gpipe"));
        assertNotEquals(gpipe.configHash(), gpipe.with(Map.of("microbatches", "4")).configHash());
        assertNotEquals(mlp.configHash(), mlp.with(Map.of("data.test_limit", "100")).configHash(), "test metrics are the trial's result");
    }

    @Test
    void theInterleavedScheduleIsRefusedForTrainingInOneSentenceAndZeroBubbleTrains() {
        assertEquals("the interleaved-1f1b schedule puts several stages on one device, which the trainer (one thread per stage) has"
                        + " no use for: use it with `layerpipe plan` or plan: true",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("schedule", "interleaved-1f1b")))
                        .getMessage());
        assertEquals(4, TrialConfig.fromParams(Map.of("schedule", "zb-h1", "microbatches", "4")).microbatches());
    }

    @Test
    void microbatchesMustSplitTheBatchEvenly() {
        assertEquals("microbatches 5 does not divide batch_size 64: the synchronous schedules split each minibatch into equal microbatches;"
                        + " use a divisor of 64 such as 4 or 8",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("schedule", "gpipe", "microbatches", "5")))
                        .getMessage());
        assertEquals("microbatches 128 is more than batch_size 64: a microbatch needs at least one example; use at most 64",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("schedule", "gpipe", "microbatches", "128")))
                        .getMessage());
        assertEquals("microbatches 3 does not divide batch_size 10: the synchronous schedules split each minibatch into equal microbatches;"
                        + " use a divisor of 10 such as 2 or 5",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("schedule", "gpipe", "microbatches", "3",
                        "batch_size", "10"))).getMessage());
        assertEquals(64, TrialConfig.fromParams(Map.of("schedule", "gpipe", "microbatches", "64")).microbatches());
    }

    @Test
    void activationsPolicyParsesAndNamesTheSettingWhenWrong() {
        assertEquals(ActivationPolicy.STASH, TrialConfig.defaults().activations());
        assertEquals(ActivationPolicy.RECOMPUTE, TrialConfig.fromParams(Map.of("activations", " Recompute ")).activations());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrialConfig.fromParams(Map.of("activations", "keep")));
        assertTrue(e.getMessage().contains("activations") && e.getMessage().contains("use stash or recompute"), e.getMessage());
    }

    @Test
    void theDefaultActivationsPolicyLeavesEarlierTrialIdsAsTheyWere() {
        // the id of the default trial before the activations setting existed (commit 2830000)
        assertEquals(PRE_ACTIVATIONS_DEFAULT_HASH, TrialConfig.defaults().configHash());
    }

    @Test
    void anImportedModelIsItsFilesContent(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.json"), "{\"confs\": []}");
        Path copy = Files.writeString(dir.resolve("Copy Of A.json"), "{\"confs\": []}");
        TrialConfig c = TrialConfig.fromParams(Map.of("model", "DL4J: " + a));
        assertEquals("dl4j:" + a, c.toParams().get("model"));
        assertEquals(a.toString(), c.model().file());
        assertEquals(c, TrialConfig.fromParams(c.toParams()));
        assertEquals(c.configHash(), TrialConfig.fromParams(c.toParams()).configHash());
        assertNotEquals(c.configHash(), c.with(Map.of("model", "dl4j:" + copy)).configHash(), "the path is part of the hash");

        String before = c.configHash();
        Files.writeString(a, "{\"confs\": [] }");
        TrialConfig changed = TrialConfig.fromParams(c.toParams());
        assertNotEquals(before, changed.configHash(), "another content at the same path is another trial");
        assertNotEquals(c, changed);
        assertEquals("", TrialConfig.defaults().model().digest());
    }

    @Test
    void aMissingModelFileIsOneSentenceWithThePath(@TempDir Path dir) {
        Path missing = dir.resolve("net.zip");
        assertEquals("setting 'model': model file not found: " + missing,
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("model", "dl4j:" + missing))).getMessage());
        assertEquals("setting 'model': model file " + dir + " is a folder: give the network's .json or .zip file",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("model", "dl4j:" + dir))).getMessage());
        assertEquals("setting 'model': model dl4j: needs the network's file, e.g. dl4j:/path/net.zip",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("model", "dl4j: "))).getMessage());
    }

    @Test
    void errorsNameTheSetting() {
        assertEquals("setting 'lr': 'abc' is not a valid number",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("lr", "abc"))).getMessage());
        assertEquals("setting 'weights': unknown weight mode 'stale': use one of latest, stash, ema",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("weights", "stale"))).getMessage());
        assertEquals("setting 'data.augment': expected true or false, got 'maybe'",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("data.augment", "maybe"))).getMessage());
        assertEquals("microbatches > 1 needs the gpipe, 1f1b-flush or zb-h1 schedule, got 4 with layerpipe2",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("microbatches", "4"))).getMessage());
        assertEquals("unknown setting 'lrr': did you mean 'lr'?",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("lrr", "1"))).getMessage());
        String unknown = assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("colour", "1"))).getMessage();
        assertTrue(unknown.startsWith("unknown setting 'colour': known settings are model, model.hidden,"), unknown);
        assertEquals("setting 'model': unknown model 'vgg': use one of mlp, cnn, resnet18 or dl4j:PATH (a Deeplearning4j network file)",
                assertThrows(IllegalArgumentException.class, () -> TrialConfig.fromParams(Map.of("model", "vgg"))).getMessage());
    }

    @Test
    void learningRateSchedules() {
        OptimizerConfig cosine = new OptimizerConfig(0.1, LrSchedule.COSINE, 0.9, 5e-4);
        assertEquals(0.1, cosine.rateAt(0, 100, 10), 1e-15);
        assertEquals(0.05, cosine.rateAt(50, 100, 10), 1e-15);
        assertEquals(0.0, cosine.rateAt(100, 100, 10), 1e-15);
        OptimizerConfig step = new OptimizerConfig(0.1, LrSchedule.STEP, 0, 0);
        assertEquals(0.01, step.rateAt(60, 100, 10), 1e-15);
        assertEquals(0.001, step.rateAt(80, 100, 10), 1e-15);
    }

    @Test
    void warmUpRampsTheRateLinearlyThenHandsOverToTheSchedule() {
        // 2 epochs of 10 updates: update k (0-based) gets (k + 1)/20 of the rate, from update 19 on all of it
        OptimizerConfig constant = new OptimizerConfig(0.1, LrSchedule.CONSTANT, 0.9, 0, 2.0);
        assertEquals(0.1 / 20, constant.rateAt(0, 100, 10), 1e-15);
        assertEquals(0.1 * 10 / 20, constant.rateAt(9, 100, 10), 1e-15);
        assertEquals(0.1, constant.rateAt(19, 100, 10), 1e-15);
        assertEquals(0.1, constant.rateAt(60, 100, 10), 1e-15);
        // under cosine the ramp multiplies the schedule's own factor: update 4 of 100, half an epoch of warm-up
        OptimizerConfig cosine = new OptimizerConfig(0.1, LrSchedule.COSINE, 0.9, 0, 0.5);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.04)) * 5 / 5.0, cosine.rateAt(4, 100, 10), 1e-15);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.02)) * 3 / 5.0, cosine.rateAt(2, 100, 10), 1e-15);
        assertEquals(0.1, new OptimizerConfig(0.1, LrSchedule.CONSTANT, 0, 0).rateAt(0, 100, 10), 1e-15, "no warm-up by default");
    }

    @Test
    void warmUpIsASettingThatLeavesDefaultTrialIdsAlone() {
        TrialConfig c = TrialConfig.defaults();
        assertEquals(0.0, c.optimizer().warmupEpochs());
        assertEquals(c.configHash(), c.with(Map.of("lr_warmup", "0")).configHash(), "lr_warmup 0 is the trial without the setting");
        TrialConfig warm = c.with(Map.of("lr_warmup", "1.5"));
        assertEquals(1.5, warm.optimizer().warmupEpochs());
        assertEquals("1.5", warm.toParams().get("lr_warmup"));
        assertNotEquals(c.configHash(), warm.configHash());
        assertEquals(warm.configHash(), TrialConfig.fromParams(warm.toParams()).configHash());
        String e = assertThrows(IllegalArgumentException.class, () -> c.with(Map.of("lr_warmup", "-1"))).getMessage();
        assertTrue(e.contains("lr_warmup") && e.contains("-1"), e);
    }
}
