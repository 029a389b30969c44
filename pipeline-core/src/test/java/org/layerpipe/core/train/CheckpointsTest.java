package org.layerpipe.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.stage.StageState;
import org.layerpipe.core.weights.HistoryState;

/** The checkpoint store on a local disk: round trip, atomic write, pruning, and every refusal naming its path. */
class CheckpointsTest {

    private static final String TRIAL = "0123456789abcdef";

    @TempDir
    Path tmp;

    private static EpochMetrics metrics(int epoch) {
        return new EpochMetrics(epoch, 1.0 / 3 + epoch, 0.7, 0.9, 0.1 * epoch, 12345.6, 1.25, new double[] {0.9, 0.45}, 0.87,
                4096, 2048, Double.NaN, Double.NaN, new double[] {Double.NaN, 0.0}, 0.05 * Math.PI, new int[] {2, 0},
                new double[] {1.9375, 0.0});
    }

    private static Checkpoint checkpoint(String trial, int epoch) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            epochs.add(metrics(e));
        }
        StageState s0 = new StageState(0, 16L * epoch, StageState.Vector.of(new double[] {Math.PI, -0.0, Double.MIN_VALUE, epoch}),
                StageState.Vector.of(new double[] {1e-300, 2, 3, 4}),
                new HistoryState<>("ema", Map.of("average", StageState.Vector.of(new double[] {0.1, 0.2, 0.3, 0.4})),
                        Map.of("updates", 16L * epoch), Map.of("beta", 0.6, "scale", 1.0 / 7, "betaPowK", 1e-12)));
        StageState s1 = new StageState(1, 16L * epoch, StageState.Vector.of(new float[] {1.5f, Float.MIN_VALUE}), null,
                new HistoryState<>("stash", Map.of(), Map.of("buffers", 0L, "peakBytes", 0L), Map.of()));
        return new Checkpoint(trial, epoch, "[2,3]", 7, "train-digest", "test-digest", epochs, List.of(s0, s1));
    }

    private Checkpoints store(String trial) {
        return Checkpoints.open(tmp.toString(), trial, new Configuration());
    }

    private Path folder(int epoch) {
        return tmp.resolve(TRIAL).resolve(String.format("epoch-%06d", epoch));
    }

    @Test
    void aCheckpointReadsBackBitForBit() {
        try (Checkpoints store = store(TRIAL)) {
            Checkpoint written = checkpoint(TRIAL, 3);
            String where = store.write(written, 2);
            assertTrue(where.endsWith(TRIAL + "/epoch-000003"), where);
            Checkpoint read = store.latest().orElseThrow();
            assertEquals(written.trialId(), read.trialId());
            assertEquals(3, read.epoch());
            assertEquals("[2,3]", read.partition());
            assertEquals(7, read.seed());
            assertEquals("train-digest", read.trainDigest());
            assertEquals(written.stages(), read.stages());
            for (int e = 0; e < 3; e++) {
                EpochMetrics a = written.epochs().get(e);
                EpochMetrics b = read.epochs().get(e);
                assertEquals(CheckpointFiles.epochsText(List.of(a)), CheckpointFiles.epochsText(List.of(b)));
                assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0);
                assertArrayEquals(a.stageBusy(), b.stageBusy(), 0.0);
                assertArrayEquals(a.stageStalenessMean(), b.stageStalenessMean(), 0.0);
                assertEquals(Double.doubleToRawLongBits(a.trainLoss()), Double.doubleToRawLongBits(b.trainLoss()));
                assertArrayEquals(a.stageReconstructionError(), b.stageReconstructionError(), 0.0);
                assertArrayEquals(a.stageStalenessMax(), b.stageStalenessMax());
            }
        }
        // no Hadoop .crc files beside ours
        assertFalse(Files.exists(folder(3).resolve(".manifest.txt.crc")));
    }

    @Test
    void noCheckpointIsEmpty() {
        try (Checkpoints store = store(TRIAL)) {
            assertTrue(store.latest().isEmpty());
            assertEquals(List.of(), store.epochs());
        }
    }

    @Test
    void onlyTheNewestKeepArePrunedToAndALeftoverTemporaryFolderIsIgnoredThenDeleted() throws IOException {
        try (Checkpoints store = store(TRIAL)) {
            store.write(checkpoint(TRIAL, 1), 2);
            // what a writer killed halfway leaves: a temporary folder with some files and no manifest
            Path leftover = tmp.resolve(TRIAL).resolve(".tmp-epoch-000002-dead");
            Files.createDirectories(leftover);
            Files.writeString(leftover.resolve("stage-0.bin"), "half");
            assertEquals(List.of(1), store.epochs());
            assertEquals(1, store.latest().orElseThrow().epoch());
            store.write(checkpoint(TRIAL, 2), 2);
            assertFalse(Files.exists(leftover), "the next write deletes what a killed writer left");
            store.write(checkpoint(TRIAL, 3), 2);
            assertEquals(List.of(2, 3), store.epochs());
            store.write(checkpoint(TRIAL, 4), 1);
            assertEquals(List.of(4), store.epochs());
        }
        try (Stream<Path> files = Files.list(tmp.resolve(TRIAL))) {
            assertEquals(List.of("epoch-000004"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFlippedByteIsRefusedNamingTheFile() throws IOException {
        try (Checkpoints store = store(TRIAL)) {
            store.write(checkpoint(TRIAL, 2), 2);
            Path file = folder(2).resolve("stage-0.bin");
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(40);
                int b = f.read();
                f.seek(40);
                f.write(b ^ 0x10);
            }
            CheckpointException e = assertThrows(CheckpointException.class, store::latest);
            assertTrue(e.getMessage().startsWith("checkpoint file file:" + file + " is corrupt: its SHA-256 is "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; delete file:" + folder(2) + " to resume from an earlier checkpoint"), e.getMessage());
        }
    }

    @Test
    void aTruncatedFileIsRefusedNamingTheFile() throws IOException {
        try (Checkpoints store = store(TRIAL)) {
            store.write(checkpoint(TRIAL, 2), 2);
            Path file = folder(2).resolve("stage-1.bin");
            long size = Files.size(file);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size - 3);
            }
            CheckpointException e = assertThrows(CheckpointException.class, store::latest);
            assertEquals("checkpoint file file:" + file + " is truncated: " + (size - 3) + " bytes where its manifest says " + size
                    + "; delete file:" + folder(2) + " to resume from an earlier checkpoint", e.getMessage());
        }
    }

    @Test
    void aMissingOrEditedManifestIsRefused() throws IOException {
        try (Checkpoints store = store(TRIAL)) {
            store.write(checkpoint(TRIAL, 2), 2);
            Path manifest = folder(2).resolve(Checkpoints.MANIFEST);
            String text = Files.readString(manifest);
            Files.writeString(manifest, text.replace("seed=7", "seed=8"));
            CheckpointException e = assertThrows(CheckpointException.class, store::latest);
            assertEquals("checkpoint file file:" + manifest + " is corrupt (it does not match its own SHA-256); delete file:"
                    + folder(2) + " to resume from an earlier checkpoint", e.getMessage());
            Files.delete(manifest);
            e = assertThrows(CheckpointException.class, store::latest);
            assertEquals("checkpoint file:" + folder(2) + " has no manifest.txt, so it is incomplete; delete it to resume from an"
                    + " earlier checkpoint", e.getMessage());
        }
    }

    @Test
    void aCheckpointOfAnotherTrialIsRefused() throws IOException {
        String other = "fedcba9876543210";
        try (Checkpoints store = store(other)) {
            store.write(checkpoint(other, 2), 2);
        }
        // copied into this trial's folder
        Files.createDirectories(tmp.resolve(TRIAL));
        Files.move(tmp.resolve(other).resolve("epoch-000002"), folder(2));
        try (Checkpoints store = store(TRIAL)) {
            CheckpointException e = assertThrows(CheckpointException.class, store::latest);
            assertEquals("checkpoint file:" + folder(2) + " belongs to trial " + other + ", not to trial " + TRIAL
                    + ": it was copied or moved here; delete it or choose another checkpoint.dir", e.getMessage());
        }
    }

    @Test
    void whenToCheckpoint() {
        CheckpointConfig every2 = new CheckpointConfig("/d", 2, 2);
        assertEquals(List.of(2, 4, 5), IntStream.rangeClosed(1, 5).filter(e -> every2.due(e, 5)).boxed().toList());
        assertFalse(new CheckpointConfig("", 1, 2).due(1, 1));
        assertEquals("checkpoint.every must be >= 1 epoch, got 0",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointConfig("/d", 0, 2)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CheckpointConfig("/d", 1, 0)).getMessage()
                .startsWith("checkpoint.keep must be >= 1"));
    }
}
