package org.layerpipe.core.train;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.layerpipe.core.stage.StageState;

/**
 * One trial's epoch checkpoints under {@code <checkpoint.dir>/<trial id>/}, on any Hadoop file system:
 *
 * <pre>
 * checkpoint.dir/65cc9f908d378328/
 *   epoch-000002/   manifest.txt  epochs.tsv  stage-0.bin  stage-1.bin
 *   epoch-000003/   ...
 * </pre>
 *
 * <p>A checkpoint is written into a hidden temporary folder and renamed into place when complete,
 * its manifest last (format, trial id, epoch, partition, seed, data digests, and each file's size and
 * SHA-256, then the manifest's own SHA-256). So a writer killed halfway leaves no checkpoint, only a
 * temporary folder the next write deletes. On reading, a checkpoint that does not match its manifest
 * (corrupt, truncated, incomplete) or belongs to another trial is refused with one sentence naming its
 * path: never used, never silently skipped. After each write only the newest {@code keep} are kept.
 *
 * <p>The rename is atomic on local disks and HDFS; on object stores (s3a) it is a copy, so a writer
 * killed during it can leave a folder without its manifest — refused as incomplete.
 */
public final class Checkpoints implements AutoCloseable {

    /** Version of the files' layout; a checkpoint of another format is refused. */
    public static final int FORMAT = 1;
    /** The manifest file of a checkpoint folder. */
    public static final String MANIFEST = "manifest.txt";
    static final String EPOCHS = "epochs.tsv";
    private static final Pattern FOLDER = Pattern.compile("epoch-(\\d{6,9})");
    private static final String TEMPORARY = ".tmp-";

    private final String trialId;
    private final Path dir;
    private final FileSystem fs;

    private Checkpoints(String trialId, Path dir, FileSystem fs) {
        this.trialId = trialId;
        this.dir = dir;
        this.fs = fs;
    }

    /**
     * The checkpoints of trial {@code trialId} under {@code root}.
     *
     * @throws CheckpointException when {@code root} is not a path or its file system cannot be reached
     */
    public static Checkpoints open(String root, String trialId, Configuration conf) {
        Path base;
        try {
            base = new Path(root);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint.dir '" + root + "' is not a valid path or URI: " + e.getMessage(), e);
        }
        try {
            FileSystem fs = FileSystem.newInstance(base.toUri(), conf);
            // our own SHA-256 per file: no Hadoop .crc files beside them on a local disk
            fs.setWriteChecksum(false);
            fs.setVerifyChecksum(false);
            return new Checkpoints(trialId, fs.makeQualified(new Path(base, trialId)), fs);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint.dir '" + root + "' cannot be reached: " + PipelineTrainer.describe(e), e);
        }
    }

    /**
     * The epoch of the newest checkpoint folder of trial {@code trialId} under {@code root}; 0 when
     * {@code root} is empty (no checkpoints), has none for the trial, or cannot be read — the trainer,
     * which reads the checkpoint itself, says what is wrong with it.
     */
    public static int lastEpoch(String root, String trialId, Configuration conf) {
        if (root == null || root.isBlank()) {
            return 0;
        }
        try (Checkpoints c = open(root, trialId, conf)) {
            List<Integer> epochs = c.epochs();
            return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1);
        } catch (CheckpointException unreadable) {
            return 0;
        }
    }

    /** The folder of this trial's checkpoints. */
    public String folder() {
        return dir.toString();
    }

    /** The folder of the checkpoint after {@code epoch}. */
    public String folder(int epoch) {
        return folderPath(epoch).toString();
    }

    private Path folderPath(int epoch) {
        return new Path(dir, String.format("epoch-%06d", epoch));
    }

    /** Deletes all of this trial's checkpoints (a forced re-run starts from epoch 0). */
    public void clear() {
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            throw new CheckpointException("the checkpoints in " + dir + " cannot be deleted: " + PipelineTrainer.describe(e), e);
        }
    }

    /** Epochs that have a checkpoint folder, oldest first (not yet verified). */
    public List<Integer> epochs() {
        List<Integer> epochs = new ArrayList<>();
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                Matcher m = FOLDER.matcher(s.getPath().getName());
                if (s.isDirectory() && m.matches()) {
                    epochs.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new CheckpointException("the checkpoints in " + dir + " cannot be listed: " + PipelineTrainer.describe(e), e);
        }
        epochs.sort(null);
        return epochs;
    }

    /**
     * The newest checkpoint, verified against its manifest; empty when there is none.
     *
     * @throws CheckpointException when the newest is corrupt, incomplete, or another trial's
     */
    public Optional<Checkpoint> latest() {
        List<Integer> epochs = epochs();
        return epochs.isEmpty() ? Optional.empty() : Optional.of(read(epochs.get(epochs.size() - 1)));
    }

    /**
     * The checkpoint after {@code epoch}, verified.
     *
     * @throws CheckpointException when it is missing, corrupt, incomplete, or another trial's
     */
    public Checkpoint read(int epoch) {
        Path folder = folderPath(epoch);
        Map<String, String> manifest = readManifest(folder);
        String owner = manifest.get("trial");
        if (!trialId.equals(owner)) {
            throw new CheckpointException("checkpoint " + folder + " belongs to trial " + owner + ", not to trial " + trialId
                    + ": it was copied or moved here; delete it or choose another checkpoint.dir");
        }
        int format = integer(manifest, "format", folder);
        if (format != FORMAT) {
            throw new CheckpointException("checkpoint " + folder + " is in format " + format + ", this version of layerpipe reads format "
                    + FORMAT + " only; delete it to start the trial over");
        }
        if (integer(manifest, "epoch", folder) != epoch) {
            throw new CheckpointException("checkpoint " + folder + " says it was written after epoch " + manifest.get("epoch")
                    + ": it was renamed; delete it to resume from an earlier checkpoint");
        }
        int stages = integer(manifest, "stages", folder);
        Map<String, String[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : manifest.entrySet()) {
            if (e.getKey().startsWith("file.")) {
                files.put(e.getKey().substring(5), e.getValue().split(" "));
            }
        }
        for (String[] f : files.values()) {
            if (f.length != 2) {
                throw corruptManifest(folder);
            }
        }
        for (Map.Entry<String, String[]> f : files.entrySet()) {
            verify(folder, f.getKey(), Long.parseLong(f.getValue()[0]), f.getValue()[1]);
        }
        List<EpochMetrics> epochs;
        try {
            epochs = CheckpointFiles.parseEpochs(new String(readAll(new Path(folder, need(files, EPOCHS, folder))), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint file " + new Path(folder, EPOCHS) + " cannot be read: "
                    + PipelineTrainer.describe(e), e);
        }
        List<StageState> states = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            Path file = new Path(folder, need(files, stageFile(s), folder));
            try (DataInputStream in = new DataInputStream(fs.open(file))) {
                StageState state = CheckpointFiles.readStage(in, Long.parseLong(files.get(stageFile(s))[0]));
                if (state.stage() != s) {
                    throw new IOException("it holds stage " + state.stage());
                }
                states.add(state);
            } catch (IOException e) {
                throw new CheckpointException("checkpoint file " + file + " cannot be read: " + (e instanceof EOFException
                        ? "it ends too early" : PipelineTrainer.describe(e)), e);
            }
        }
        try {
            return new Checkpoint(owner, epoch, manifest.get("partition"), Long.parseLong(manifest.get("seed")),
                    manifest.get("data.train"), manifest.get("data.test"), epochs, states);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + folder + " does not hold a whole trial state: " + PipelineTrainer.describe(e), e);
        }
    }

    /**
     * Writes {@code checkpoint} atomically, then deletes all but the newest {@code keep} checkpoints and any
     * temporary folder a killed writer left.
     *
     * @return the checkpoint's folder
     * @throws CheckpointException when it cannot be written (the trial should stop: it asked for checkpoints)
     */
    public String write(Checkpoint checkpoint, int keep) {
        if (!checkpoint.trialId().equals(trialId)) {
            throw new IllegalArgumentException("a checkpoint of trial " + checkpoint.trialId() + " written into the folder of trial " + trialId);
        }
        Path target = folderPath(checkpoint.epoch());
        Path temporary = new Path(dir, TEMPORARY + target.getName() + "-" + UUID.randomUUID());
        try {
            if (!fs.mkdirs(temporary)) {
                throw new IOException("the folder " + temporary + " cannot be made");
            }
            Map<String, String> files = new LinkedHashMap<>();
            files.put(EPOCHS, writeFile(new Path(temporary, EPOCHS),
                    out -> out.write(CheckpointFiles.epochsText(checkpoint.epochs()).getBytes(StandardCharsets.UTF_8))));
            for (StageState s : checkpoint.stages()) {
                files.put(stageFile(s.stage()), writeFile(new Path(temporary, stageFile(s.stage())),
                        out -> CheckpointFiles.writeStage(s, new DataOutputStream(out))));
            }
            StringBuilder manifest = new StringBuilder();
            line(manifest, "format", String.valueOf(FORMAT));
            line(manifest, "trial", trialId);
            line(manifest, "epoch", String.valueOf(checkpoint.epoch()));
            line(manifest, "partition", checkpoint.partition());
            line(manifest, "seed", String.valueOf(checkpoint.seed()));
            line(manifest, "stages", String.valueOf(checkpoint.stages().size()));
            line(manifest, "data.train", checkpoint.trainDigest());
            line(manifest, "data.test", checkpoint.testDigest());
            line(manifest, "written", Instant.now().toString());
            line(manifest, "layerpipe.git.commit", BuildInfo.properties().get("layerpipe.git.commit"));
            files.forEach((name, sizeAndHash) -> line(manifest, "file." + name, sizeAndHash));
            line(manifest, "sha256", sha256(manifest.toString().getBytes(StandardCharsets.UTF_8)));
            writeFile(new Path(temporary, MANIFEST), out -> out.write(manifest.toString().getBytes(StandardCharsets.UTF_8)));
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("the earlier folder " + target + " cannot be deleted");
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException("renaming " + temporary + " to " + target + " failed");
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new CheckpointException("checkpoint " + target + " cannot be written: " + PipelineTrainer.describe(e), e);
        }
        prune(keep);
        return target.toString();
    }

    /** Deletes all but the newest {@code keep} checkpoints and leftover temporary folders. */
    void prune(int keep) {
        List<Integer> epochs = epochs();
        for (int i = 0; i < epochs.size() - keep; i++) {
            deleteQuietly(folderPath(epochs.get(i)));
        }
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.getPath().getName().startsWith(TEMPORARY)) {
                    deleteQuietly(s.getPath());
                }
            }
        } catch (IOException e) {
            // left for the next write: pruning never fails a trial
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            // left for the next prune
        }
    }

    static String stageFile(int stage) {
        return "stage-" + stage + ".bin";
    }

    private static void line(StringBuilder sb, String key, String value) {
        if (value.contains("\n")) {
            throw new IllegalArgumentException("manifest value of " + key + " has a line break");
        }
        sb.append(key).append('=').append(value).append('\n');
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a file; returns {@code "<bytes> <sha256>"} of what was written. */
    private String writeFile(Path file, Writer writer) throws IOException {
        MessageDigest digest = sha256();
        long[] bytes = new long[1];
        try (OutputStream raw = fs.create(file, false);
             OutputStream counted = new OutputStream() {
                 @Override
                 public void write(int b) throws IOException {
                     raw.write(b);
                     bytes[0]++;
                 }

                 @Override
                 public void write(byte[] b, int off, int len) throws IOException {
                     raw.write(b, off, len);
                     bytes[0] += len;
                 }
             };
             DigestOutputStream hashed = new DigestOutputStream(counted, digest);
             BufferedOutputStream out = new BufferedOutputStream(hashed, 1 << 16)) {
            writer.write(out);
        }
        return bytes[0] + " " + HexFormat.of().formatHex(digest.digest());
    }

    private Map<String, String> readManifest(Path folder) {
        Path file = new Path(folder, MANIFEST);
        byte[] bytes;
        try {
            bytes = readAll(file);
        } catch (FileNotFoundException e) {
            throw new CheckpointException("checkpoint " + folder + " has no " + MANIFEST + ", so it is incomplete; delete it to resume"
                    + " from an earlier checkpoint", e);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint file " + file + " cannot be read: " + PipelineTrainer.describe(e), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int last = text.lastIndexOf("sha256=");
        if (last < 0 || (last > 0 && text.charAt(last - 1) != '\n')
                || !text.substring(last + 7).strip().equals(sha256(text.substring(0, last).getBytes(StandardCharsets.UTF_8)))) {
            throw corruptManifest(folder);
        }
        Map<String, String> manifest = new LinkedHashMap<>();
        for (String l : text.substring(0, last).split("\n")) {
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw corruptManifest(folder);
            }
            manifest.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return manifest;
    }

    private static CheckpointException corruptManifest(Path folder) {
        return new CheckpointException("checkpoint file " + new Path(folder, MANIFEST) + " is corrupt (it does not match its own"
                + " SHA-256); delete " + folder + " to resume from an earlier checkpoint");
    }

    private static int integer(Map<String, String> manifest, String key, Path folder) {
        try {
            return Integer.parseInt(manifest.get(key));
        } catch (NumberFormatException e) {
            throw corruptManifest(folder);
        }
    }

    private static String need(Map<String, String[]> files, String name, Path folder) {
        if (!files.containsKey(name)) {
            throw new CheckpointException("checkpoint " + folder + " lists no " + name + " in its manifest, so it is incomplete;"
                    + " delete it to resume from an earlier checkpoint");
        }
        return name;
    }

    /** Checks one file's size and SHA-256 against the manifest. */
    private void verify(Path folder, String name, long bytes, String sha256) {
        Path file = new Path(folder, name);
        String delete = "; delete " + folder + " to resume from an earlier checkpoint";
        MessageDigest digest = sha256();
        long n = 0;
        try (InputStream in = fs.open(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                digest.update(buf, 0, r);
                n += r;
            }
        } catch (FileNotFoundException e) {
            throw new CheckpointException("checkpoint file " + file + " is missing though its manifest lists it" + delete, e);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint file " + file + " cannot be read: " + PipelineTrainer.describe(e), e);
        }
        if (n != bytes) {
            throw new CheckpointException("checkpoint file " + file + " is " + (n < bytes ? "truncated" : "too long") + ": " + n
                    + " bytes where its manifest says " + bytes + delete);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            throw new CheckpointException("checkpoint file " + file + " is corrupt: its SHA-256 is " + actual.substring(0, 16)
                    + "…, its manifest says " + sha256.substring(0, Math.min(16, sha256.length())) + "…" + delete);
        }
    }

    private byte[] readAll(Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    @Override
    public void close() {
        try {
            fs.close();
        } catch (IOException e) {
            // nothing left to flush: every file was closed when written
        }
    }
}
