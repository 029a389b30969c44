package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.stage.StageState;
import org.layerpipe.core.train.Checkpoint;
import org.layerpipe.core.train.Checkpoints;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;

/**
 * A trial whose JVM is killed (SIGKILL, in the middle of epoch 3) after its epoch-2 checkpoint, and then resumed,
 * ends bit for bit where the same trial trained straight through ends: every stage's weights, momentum and
 * weight history, and every epoch's metrics except the timings. In double precision, on LayerPipe2 with stale
 * stages, for STASH and EMA and for a CNN with batch norm.
 */
class CheckpointResumeTest {

    @TempDir
    Path tmp;

    private static TrialConfig trial(Map<String, String> settings) {
        return TrialConfig.defaults().with(Map.of("data", "synthetic", "data.train_limit", "256", "data.test_limit", "64",
                "batch_size", "32", "epochs", "4", "schedule", "layerpipe2", "precision", "double", "seed", "3")).with(settings);
    }

    /** An MLP of 5 blocks in three stages (delays 4, 2, 0), momentum and weight decay. */
    private static TrialConfig mlp(String weights) {
        return trial(Map.of("model", "mlp", "model.hidden", "32,16", "partition", "[2,2,1]", "weights", weights,
                "lr_schedule", "cosine", "weight_decay", "0.0005"));
    }

    @Test
    void stashResumesBitForBitAfterAKill() throws Exception {
        killedAndResumedEqualsStraight(mlp("stash"));
    }

    @Test
    void emaResumesBitForBitAfterAKill() throws Exception {
        killedAndResumedEqualsStraight(mlp("ema"));
    }

    /** Batch norm in both stale stages (running statistics are state), augmentation on, the weight-average EMA. */
    @Test
    void aCnnWithBatchNormResumesBitForBitAfterAKill() throws Exception {
        killedAndResumedEqualsStraight(trial(Map.of("model", "cnn", "partition", "[4,4,4]", "weights", "ema",
                "ema.rule", "weight-average", "data.augment", "true", "data.train_limit", "128")));
    }

    private void killedAndResumedEqualsStraight(TrialConfig config) throws Exception {
        String straightDir = tmp.resolve("straight").toString();
        String killedDir = tmp.resolve("killed").toString();
        TrialResult straight = Nd4jBackend.trainer().train(config.with(Map.of("checkpoint.dir", straightDir)), TrainingListener.NONE);
        assertEquals(TrialStatus.FINISHED, straight.status(), straight.message());

        String id = config.configHash();
        trainInAChildJvmAndKillItInEpoch3(config.with(Map.of("checkpoint.dir", killedDir)));
        try (Checkpoints left = Checkpoints.open(killedDir, id, new Configuration())) {
            assertEquals(List.of(1, 2), left.epochs(), "the child was killed after its epoch-2 checkpoint, before epoch 3's");
        }

        List<Integer> resumedFrom = new ArrayList<>();
        List<EpochMetrics> trainedAfterResume = new ArrayList<>();
        TrialResult resumed = Nd4jBackend.trainer().train(config.with(Map.of("checkpoint.dir", killedDir)), new TrainingListener() {
            @Override
            public void onResume(int epoch, String checkpoint, List<EpochMetrics> restored) {
                resumedFrom.add(epoch);
                assertEquals(epoch, restored.size());
                assertTrue(checkpoint.endsWith(id + "/epoch-000002"), checkpoint);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                trainedAfterResume.add(m);
            }
        });
        assertEquals(TrialStatus.FINISHED, resumed.status(), resumed.message());
        assertEquals(List.of(2), resumedFrom);
        assertEquals(List.of(3, 4), trainedAfterResume.stream().map(EpochMetrics::epoch).toList(), "epochs 1 and 2 are not trained again");
        assertEquals(4, resumed.epochs().size());
        for (int e = 0; e < 4; e++) {
            assertSameMeasurements(straight.epochs().get(e), resumed.epochs().get(e));
        }

        Checkpoint end = read(straightDir, id, 4);
        Checkpoint endResumed = read(killedDir, id, 4);
        assertEquals(end.stages().size(), endResumed.stages().size());
        for (int s = 0; s < end.stages().size(); s++) {
            StageState a = end.stages().get(s);
            StageState b = endResumed.stages().get(s);
            assertEquals(a.version(), b.version(), "stage " + s + " version");
            assertEquals(a.vectors().keySet(), b.vectors().keySet());
            for (Map.Entry<String, StageState.Vector> v : a.vectors().entrySet()) {
                assertEquals(v.getValue(), b.vectors().get(v.getKey()), "stage " + s + " " + v.getKey() + " differs");
            }
            assertEquals(a.history().counts(), b.history().counts(), "stage " + s + " history counts");
            assertEquals(a.history().numbers(), b.history().numbers(), "stage " + s + " history numbers");
        }
        // the comparison can fail: two epochs of training move every stage's weights
        Checkpoint middle = read(straightDir, id, 3);
        for (int s = 0; s < end.stages().size(); s++) {
            if (end.stages().get(s).weights().length() > 0) {
                assertNotEquals(middle.stages().get(s).weights(), end.stages().get(s).weights(), "stage " + s);
            }
        }
    }

    /** Everything an epoch measures but its timings (samples/s, wall time, busy fractions, efficiency), compared exactly. */
    private static void assertSameMeasurements(EpochMetrics a, EpochMetrics b) {
        String at = "epoch " + a.epoch();
        assertEquals(a.epoch(), b.epoch());
        assertEquals(a.trainLoss(), b.trainLoss(), 0.0, at);
        assertEquals(a.trainAccuracy(), b.trainAccuracy(), 0.0, at);
        assertEquals(a.testLoss(), b.testLoss(), 0.0, at);
        assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0, at);
        assertEquals(a.learningRate(), b.learningRate(), 0.0, at);
        assertEquals(a.historyBytes(), b.historyBytes(), at);
        assertEquals(a.activationBytes(), b.activationBytes(), at);
        assertEquals(a.reconstructionError(), b.reconstructionError(), 0.0, at);
        assertArrayEquals(a.stageStalenessMax(), b.stageStalenessMax(), at);
        assertArrayEquals(a.stageStalenessMean(), b.stageStalenessMean(), 0.0, at);
    }

    private static Checkpoint read(String dir, String id, int epoch) {
        try (Checkpoints store = Checkpoints.open(dir, id, new Configuration())) {
            return store.read(epoch);
        }
    }

    /** Starts the trial in a new JVM on the test classpath, waits until it has trained epoch 3's minibatches, and kills it. */
    private static void trainInAChildJvmAndKillItInEpoch3(TrialConfig config) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(KilledTrial.class.getName());
        command.add("2");
        config.toParams().forEach((k, v) -> command.add(k + "=" + v));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            String line = "";
            while (!line.equals(KilledTrial.SIGNAL)) {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(line, "the child JVM did not reach epoch 3; it printed:\n" + output);
                output.append(line).append('\n');
                assertTrue(child.isAlive() || !lines.isEmpty() || line.equals(KilledTrial.SIGNAL),
                        "the child JVM ended early; it printed:\n" + output);
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the child JVM did not die");
        }
        assertNotEquals(0, child.exitValue(), "killed, not finished");
    }

    /** A flipped byte in the newest checkpoint: the trial fails naming the file, and trains nothing. */
    /** Pausing at a rung (successive halving) and going on later trains what one straight run trains. */
    @Test
    void aTrialPausedAfterEpochOneAndThenThreeEndsWhereAStraightRunEnds() {
        TrialConfig config = mlp("ema").with(Map.of("precision", "float"));
        TrialResult straight = Nd4jBackend.trainer().train(config.with(Map.of("checkpoint.dir", tmp.resolve("straight").toString())),
                TrainingListener.NONE);
        String dir = tmp.resolve("paused").toString();
        TrialConfig paused = config.with(Map.of("checkpoint.dir", dir));
        TrialResult first = Nd4jBackend.trainer().train(paused, pauseAfter(1));
        assertEquals(TrialStatus.STOPPED, first.status(), first.message());
        assertEquals("paused after epoch 1 of 4", first.message());
        assertEquals(1, first.epochs().size());
        try (Checkpoints left = Checkpoints.open(dir, config.configHash(), new Configuration())) {
            assertEquals(List.of(1), left.epochs(), "a checkpoint of the paused epoch");
        }
        TrialResult again = Nd4jBackend.trainer().train(paused, pauseAfter(1));
        assertEquals(TrialStatus.STOPPED, again.status(), "already at the pause: nothing trained");
        assertEquals(1, again.epochs().size());
        assertEquals(TrialStatus.STOPPED, Nd4jBackend.trainer().train(paused, pauseAfter(3)).status());
        TrialResult rest = Nd4jBackend.trainer().train(paused, TrainingListener.NONE);
        assertEquals(TrialStatus.FINISHED, rest.status(), rest.message());
        assertEquals(4, rest.epochs().size());
        for (int e = 0; e < 4; e++) {
            assertSameMeasurements(straight.epochs().get(e), rest.epochs().get(e));
        }
    }

    @Test
    void aPauseWithoutCheckpointsIsRefusedInOneSentence() {
        TrialResult r = Nd4jBackend.trainer().train(mlp("stash").with(Map.of("epochs", "2")), pauseAfter(1));
        assertEquals(TrialStatus.FAILED, r.status());
        assertTrue(r.message().contains("asked to pause after epoch 1 but has no checkpoint.dir"), r.message());
    }

    private static TrainingListener pauseAfter(int epoch) {
        return new TrainingListener() {
            @Override
            public boolean continueAfter(int e) {
                return e < epoch;
            }
        };
    }

    @Test
    void aCorruptCheckpointFailsTheTrialNamingTheFile() throws IOException {
        TrialConfig config = mlp("ema").with(Map.of("epochs", "2", "checkpoint.dir", tmp.toString()));
        assertEquals(TrialStatus.FINISHED, Nd4jBackend.trainer().train(config, TrainingListener.NONE).status());
        Path file = tmp.resolve(config.configHash()).resolve("epoch-000002").resolve("stage-1.bin");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        List<Integer> trained = new ArrayList<>();
        TrialResult again = Nd4jBackend.trainer().train(config, new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                trained.add(m.epoch());
            }
        });
        assertEquals(TrialStatus.FAILED, again.status());
        assertTrue(again.message().startsWith("checkpoint file file:" + file + " is corrupt: "), again.message());
        assertEquals(List.of(), trained, "a refused checkpoint is not replaced by training from scratch");
    }

    /** Another trial's checkpoint in this trial's folder (copied there): refused. */
    @Test
    void aCheckpointOfAnotherTrialFailsTheTrial() throws IOException {
        TrialConfig one = mlp("stash").with(Map.of("epochs", "1", "checkpoint.dir", tmp.toString()));
        TrialConfig other = one.with(Map.of("seed", "4"));
        assertEquals(TrialStatus.FINISHED, Nd4jBackend.trainer().train(one, TrainingListener.NONE).status());
        Files.createDirectories(tmp.resolve(other.configHash()));
        Files.move(tmp.resolve(one.configHash()).resolve("epoch-000001"), tmp.resolve(other.configHash()).resolve("epoch-000001"));
        TrialResult r = Nd4jBackend.trainer().train(other, TrainingListener.NONE);
        assertEquals(TrialStatus.FAILED, r.status());
        assertEquals("checkpoint file:" + tmp.resolve(other.configHash()).resolve("epoch-000001") + " belongs to trial "
                + one.configHash() + ", not to trial " + other.configHash()
                + ": it was copied or moved here; delete it or choose another checkpoint.dir", r.message());
    }

    /** A checkpoint of the same trial id on other data (the files at data.path were replaced): refused. */
    @Test
    void aCheckpointOfOtherDataFailsTheTrial() throws Exception {
        TrialConfig config = mlp("stash").with(Map.of("epochs", "2", "checkpoint.dir", tmp.toString()));
        assertEquals(TrialStatus.FINISHED, Nd4jBackend.trainer().train(config, TrainingListener.NONE).status());
        Path folder = tmp.resolve(config.configHash()).resolve("epoch-000002");
        Path manifest = folder.resolve(Checkpoints.MANIFEST);
        String text = Files.readString(manifest);
        String body = text.substring(0, text.lastIndexOf("sha256=")).replaceFirst("data.train=\\w+", "data.train=0123456789abcdef");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(manifest, body + "sha256=" + sha + "\n");
        TrialResult r = Nd4jBackend.trainer().train(config, TrainingListener.NONE);
        assertEquals(TrialStatus.FAILED, r.status());
        assertTrue(r.message().startsWith("checkpoint file:" + folder + " was written with other training data (digest 0123456789abcdef,"
                + " the data read now has "), r.message());
    }

    /** Re-running a finished trial trains nothing and returns its metrics from the last checkpoint. */
    @Test
    void aFinishedTrialRerunTrainsNothing() {
        TrialConfig config = mlp("latest").with(Map.of("epochs", "2", "checkpoint.dir", tmp.toString()));
        TrialResult first = Nd4jBackend.trainer().train(config, TrainingListener.NONE);
        List<Integer> trained = new ArrayList<>();
        TrialResult again = Nd4jBackend.trainer().train(config, new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                trained.add(m.epoch());
            }
        });
        assertEquals(TrialStatus.FINISHED, again.status(), again.message());
        assertEquals(List.of(), trained);
        assertEquals(first.last().testAccuracy(), again.last().testAccuracy(), 0.0);
        assertEquals(first.last().wallSeconds(), again.last().wallSeconds(), 0.0, "the metrics as recorded, not measured again");
    }
}
