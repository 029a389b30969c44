package org.layerpipe.core.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.stage.StageState;
import org.layerpipe.core.weights.HistoryState;

/**
 * The formats of a checkpoint's files: a stage's state in binary (every number bit for bit), the epoch
 * metrics as text, one tab-separated line per epoch (Java's shortest decimal that reads back the same double).
 * Files are checksummed in the manifest ({@link Checkpoints}) before they are parsed here.
 */
final class CheckpointFiles {

    /** "LPCK": the first bytes of a stage file. */
    static final int MAGIC = 0x4C50434B;
    private static final byte FLOATS = 0;
    private static final byte DOUBLES = 1;
    private static final String EPOCH_COLUMNS = String.join("\t", "epoch", "train_loss", "train_accuracy", "test_loss",
            "test_accuracy", "samples_per_second", "wall_seconds", "stage_busy", "pipeline_efficiency", "history_bytes",
            "activation_bytes", "reconstruction_error", "reconstruction_error_max", "stage_reconstruction_error",
            "learning_rate", "stage_staleness_max", "stage_staleness_mean", "block_reconstruction_error");

    private CheckpointFiles() {
    }

    static void writeStage(StageState s, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(Checkpoints.FORMAT);
        out.writeInt(s.stage());
        out.writeLong(s.version());
        writeVector(s.weights(), out);
        out.writeBoolean(s.velocity() != null);
        if (s.velocity() != null) {
            writeVector(s.velocity(), out);
        }
        HistoryState<StageState.Vector> h = s.history();
        out.writeUTF(h.kind());
        out.writeInt(h.vectors().size());
        for (Map.Entry<String, StageState.Vector> e : sorted(h.vectors())) {
            out.writeUTF(e.getKey());
            writeVector(e.getValue(), out);
        }
        out.writeInt(h.counts().size());
        for (Map.Entry<String, Long> e : sorted(h.counts())) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeInt(h.numbers().size());
        for (Map.Entry<String, Double> e : sorted(h.numbers())) {
            out.writeUTF(e.getKey());
            out.writeLong(Double.doubleToRawLongBits(e.getValue()));
        }
    }

    /** @throws IOException for bytes that are not a stage file of this format (truncated ones: {@link java.io.EOFException}) */
    static StageState readStage(DataInputStream in, long fileBytes) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("it is not a stage file");
        }
        int format = in.readInt();
        if (format != Checkpoints.FORMAT) {
            throw new IOException("it is in format " + format + ", this version reads " + Checkpoints.FORMAT);
        }
        int stage = in.readInt();
        long version = in.readLong();
        StageState.Vector weights = readVector(in, fileBytes);
        StageState.Vector velocity = in.readBoolean() ? readVector(in, fileBytes) : null;
        String kind = in.readUTF();
        Map<String, StageState.Vector> vectors = new LinkedHashMap<>();
        for (int i = count(in); i > 0; i--) {
            vectors.put(in.readUTF(), readVector(in, fileBytes));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = count(in); i > 0; i--) {
            counts.put(in.readUTF(), in.readLong());
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (int i = count(in); i > 0; i--) {
            numbers.put(in.readUTF(), Double.longBitsToDouble(in.readLong()));
        }
        if (in.read() >= 0) {
            throw new IOException("it has bytes after its last entry");
        }
        return new StageState(stage, version, weights, velocity, new HistoryState<>(kind, vectors, counts, numbers));
    }

    private static <V> List<Map.Entry<String, V>> sorted(Map<String, V> map) {
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1000) {
            throw new IOException("it announces " + n + " entries");
        }
        return n;
    }

    private static void writeVector(StageState.Vector v, DataOutputStream out) throws IOException {
        if (v.floats() != null) {
            out.writeByte(FLOATS);
            out.writeInt(v.floats().length);
            for (float x : v.floats()) {
                out.writeInt(Float.floatToRawIntBits(x));
            }
        } else {
            double[] d = v.doubles();
            out.writeByte(DOUBLES);
            out.writeInt(d.length);
            for (double x : d) {
                out.writeLong(Double.doubleToRawLongBits(x));
            }
        }
    }

    private static StageState.Vector readVector(DataInputStream in, long fileBytes) throws IOException {
        byte type = in.readByte();
        int n = in.readInt();
        int width = type == FLOATS ? 4 : 8;
        if (type != FLOATS && type != DOUBLES || n < 0 || (long) n * width > fileBytes) {
            throw new IOException("it announces a vector of " + n + " values of type " + type + " in " + fileBytes + " bytes");
        }
        if (type == FLOATS) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = Float.intBitsToFloat(in.readInt());
            }
            return StageState.Vector.of(f);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Double.longBitsToDouble(in.readLong());
        }
        return StageState.Vector.of(d);
    }

    static String epochsText(List<EpochMetrics> epochs) {
        StringBuilder sb = new StringBuilder(EPOCH_COLUMNS).append('\n');
        for (EpochMetrics m : epochs) {
            sb.append(String.join("\t", String.valueOf(m.epoch()), d(m.trainLoss()), d(m.trainAccuracy()), d(m.testLoss()),
                    d(m.testAccuracy()), d(m.samplesPerSecond()), d(m.wallSeconds()), join(m.stageBusy()), d(m.pipelineEfficiency()),
                    String.valueOf(m.historyBytes()), String.valueOf(m.activationBytes()), d(m.reconstructionError()),
                    d(m.reconstructionErrorMax()), join(m.stageReconstructionError()), d(m.learningRate()),
                    join(m.stageStalenessMax()), join(m.stageStalenessMean()), join(m.blockReconstructionError()))).append('\n');
        }
        return sb.toString();
    }

    /** @throws IllegalArgumentException for text that is not {@link #epochsText} */
    static List<EpochMetrics> parseEpochs(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(EPOCH_COLUMNS)) {
            throw new IllegalArgumentException("its header is not the epoch columns of this version");
        }
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            if (f.length != 18) {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + f.length + " fields, not 18");
            }
            epochs.add(new EpochMetrics(Integer.parseInt(f[0]), p(f[1]), p(f[2]), p(f[3]), p(f[4]), p(f[5]), p(f[6]), doubles(f[7]),
                    p(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), p(f[11]), p(f[12]), doubles(f[13]), p(f[14]), ints(f[15]),
                    doubles(f[16]), doubles(f[17])));
        }
        return epochs;
    }

    private static String d(double v) {
        return Double.toString(v);
    }

    private static double p(String s) {
        return Double.parseDouble(s);
    }

    private static String join(double[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Double::toString).toList());
    }

    private static String join(int[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Integer::toString).toList());
    }

    private static double[] doubles(String s) {
        return s.isEmpty() ? new double[0] : Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static int[] ints(String s) {
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
