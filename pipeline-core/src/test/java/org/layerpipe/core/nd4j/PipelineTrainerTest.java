package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;

/** The trainer end to end on the ND4J backend: statuses, metrics, provenance. */
class PipelineTrainerTest {

    private static TrialConfig mlp(Map<String, String> overrides) {
        return TrialConfig.defaults().with(Map.of("model", "mlp", "model.hidden", "32", "data", "synthetic",
                "data.train_limit", "512", "data.test_limit", "256", "batch_size", "32", "epochs", "2", "partition", "[2,2]"))
                .with(overrides);
    }

    @Test
    void warmUpLowersTheFirstEpochsRateAndChangesTheTraining() {
        // 512 examples in minibatches of 32: 16 updates per epoch, so 4 epochs of warm-up span 64 updates
        TrialResult plain = Nd4jBackend.trainer().train(mlp(Map.of()), TrainingListener.NONE);
        TrialResult warm = Nd4jBackend.trainer().train(mlp(Map.of("lr_warmup", "4")), TrainingListener.NONE);
        assertEquals(TrialStatus.FINISHED, warm.status(), warm.message());
        // the rate each epoch reports is the one of the next update: index 16 after epoch 1, 32 after epoch 2
        assertEquals(0.05, plain.epochs().get(0).learningRate(), 1e-12);
        assertEquals(0.05 * 17 / 64, warm.epochs().get(0).learningRate(), 1e-12);
        assertEquals(0.05 * 33 / 64, warm.epochs().get(1).learningRate(), 1e-12);
        assertTrue(Math.abs(plain.last().trainLoss() - warm.last().trainLoss()) > 1e-6, "the warm-up must change the training");
    }

    @Test
    void finishesWithMetricsPerEpochAndProvenance() {
        List<EpochMetrics> seen = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        TrialResult r = Nd4jBackend.trainer().train(mlp(Map.of("ema.shadow", "true")), new TrainingListener() {
            @Override
            public void onStart(TrialConfig config, String partition, String delayTable, org.layerpipe.core.train.Provenance p) {
                starts.add(partition + "\n" + delayTable);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                seen.add(m);
            }
        });
        assertEquals(TrialStatus.FINISHED, r.status(), r.message());
        assertEquals(2, r.epochs().size());
        assertEquals(r.epochs(), seen);
        assertTrue(starts.get(0).startsWith("[2,2]\nblock"), starts.get(0));
        EpochMetrics last = r.last();
        assertTrue(last.testAccuracy() > 0.5, "synthetic classes are easy: " + last.testAccuracy());
        assertTrue(last.samplesPerSecond() > 0);
        assertEquals(2, last.stageBusy().length);
        assertTrue(last.pipelineEfficiency() > 0 && last.pipelineEfficiency() <= 1.0);
        assertTrue(last.historyBytes() > 0, "EMA at stage 0 holds one copy");
        assertTrue(last.activationBytes() > 0);
        assertTrue(last.reconstructionError() >= 0 && last.reconstructionError() < 1, "shadowed EMA error " + last.reconstructionError());
        // per block: stage 0 = flatten + one dense layer, so that layer's error is the stage's; stage 1 is never stale
        double[] blocks = last.blockReconstructionError();
        assertEquals(4, blocks.length, java.util.Arrays.toString(blocks));
        assertTrue(Double.isNaN(blocks[0]), "flatten has no weights: " + blocks[0]);
        assertEquals(last.stageReconstructionError()[0], blocks[1], 1e-9);
        assertTrue(Double.isNaN(blocks[2]) && Double.isNaN(blocks[3]), "stage 1 is never stale: " + java.util.Arrays.toString(blocks));
        assertEquals(r.provenance().configHash(), mlp(Map.of("ema.shadow", "true")).configHash());
        assertTrue(r.provenance().environment().containsKey("nd4j.backend"));
        assertTrue(r.provenance().environment().containsKey("layerpipe.git.commit"));
        // the test JVM asks for the oneDNN natives, as the launchers do
        assertEquals("linux-x86_64-onednn", r.provenance().environment().get("nd4j.natives"));
        assertEquals("true", r.provenance().environment().get("nd4j.onednn"));
        assertTrue(!r.provenance().environment().containsKey("nd4j.warning"), r.provenance().environment().toString());
    }

    @Test
    void theDelayTableShowsTheSchedulesOwnDelays() {
        List<String> tables = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStart(TrialConfig config, String partition, String delayTable, org.layerpipe.core.train.Provenance p) {
                tables.add(delayTable);
            }
        };
        Nd4jBackend.trainer().train(mlp(Map.of("schedule", "sequential", "epochs", "1")), listener);
        Nd4jBackend.trainer().train(mlp(Map.of("schedule", "1f1b", "epochs", "1")), listener);
        assertTrue(tables.get(0).lines().skip(1).allMatch(l -> l.endsWith("| 0")), "sequential: nothing stale\n" + tables.get(0));
        assertTrue(tables.get(1).lines().skip(1).limit(2).allMatch(l -> l.endsWith("| 1")), "1F1B: S = 1 on stage 0\n" + tables.get(1));
    }

    @Test
    void everyEpochReportsTheStalenessMeasuredFromTheVersionCounters() {
        // [1,1,2]: S = 2, 1, 0; 512 / 32 = 16 minibatches per epoch, unit j sees min(j, delay) updates
        Map<String, int[]> nominal = Map.of("sequential", new int[] {0, 0, 0}, "layerpipe2", new int[] {4, 2, 0},
                "1f1b", new int[] {2, 1, 0});
        nominal.forEach((schedule, delays) -> {
            TrialResult r = Nd4jBackend.trainer().train(mlp(Map.of("schedule", schedule, "partition", "[1,1,2]")),
                    TrainingListener.NONE);
            assertEquals(TrialStatus.FINISHED, r.status(), r.message());
            for (EpochMetrics m : r.epochs()) {
                assertArrayEquals(delays, m.stageStalenessMax(), schedule + " epoch " + m.epoch());
                for (int s = 0; s < delays.length; s++) {
                    double sum = 0;
                    for (int j = 0; j < 16; j++) {
                        sum += Math.min(j, delays[s]);
                    }
                    assertEquals(sum / 16, m.stageStalenessMean()[s], 1e-12, schedule + " stage " + s + " epoch " + m.epoch());
                }
            }
        });
    }

    @Test
    void aDivergingTrialEndsWithAStatusNotAnException() {
        TrialResult r = Nd4jBackend.trainer().train(mlp(Map.of("lr", "1e12", "momentum", "0")), TrainingListener.NONE);
        assertEquals(TrialStatus.DIVERGED, r.status());
        assertTrue(r.message().startsWith("diverged in epoch 1: the loss is "), r.message());
    }

    @Test
    void missingDataFailsWithTheReason() {
        TrialResult r = Nd4jBackend.trainer().train(TrialConfig.defaults().with(Map.of("data", "fashion-mnist",
                "data.path", "/nonexistent/fmnist")), TrainingListener.NONE);
        assertEquals(TrialStatus.FAILED, r.status());
        assertTrue(r.message().contains("/nonexistent/fmnist"), r.message());
    }

    @Test
    void balancedPartitionIsProfiledAndResolved() {
        TrialResult r = Nd4jBackend.trainer().train(mlp(Map.of("partition", "balanced:2", "epochs", "1")), TrainingListener.NONE);
        assertEquals(TrialStatus.FINISHED, r.status(), r.message());
        assertTrue(r.partition().matches("\\[\\d,\\d]"), r.partition());
    }
}
