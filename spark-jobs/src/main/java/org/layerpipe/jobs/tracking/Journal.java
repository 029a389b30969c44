package org.layerpipe.jobs.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Tracking calls kept on disk until they can be replayed: one append-only JSON-lines file per
 * run ({@code run-<runId>.jsonl}), each line one call, fsync'd before the call returns. Calls
 * the server refused on replay go to {@code rejected/}. One journal owns its directory at a
 * time ({@code .lock}); the OS releases the lock when a process dies, so the next journal over
 * the directory picks up what is left. Not thread-safe: {@link JournalingTracker} serializes.
 */
final class Journal implements AutoCloseable {

    /** One journaled call: the operation and its arguments, as stored. */
    record Entry(String op, String runId, ObjectNode json) {}

    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String PREFIX = "run-";
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Run id -> number of entries in its file (files of this and of earlier processes). */
    private final Map<String, Integer> pending = new LinkedHashMap<>();

    Journal(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
            lockChannel = FileChannel.open(this.dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new TrackingException("tracking journal " + this.dir + " is in use by another JournalingTracker:"
                        + " give each tracker its own journal directory");
            }
            lock = l;
            try (Stream<Path> files = Files.list(this.dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                        cutTornEnd(f);
                        List<Entry> entries = readOrSetAside(f);
                        if (entries.isEmpty()) {
                            Files.deleteIfExists(f);
                        } else {
                            pending.put(entries.get(0).runId(), entries.size());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new TrackingException("cannot open tracking journal " + this.dir + ": " + e, e);
        }
    }

    Path dir() {
        return dir;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    boolean hasPending(String runId) {
        return pending.containsKey(runId);
    }

    int size() {
        return pending.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<String> runs() {
        return List.copyOf(pending.keySet());
    }

    /** Appends one call to its run's file and forces it to disk. */
    void append(Entry entry) {
        Path file = file(entry.runId());
        boolean created = !Files.exists(file);
        ObjectNode line = entry.json().put("op", entry.op()).put("run", entry.runId());
        writeLine(file, line);
        if (created) {
            syncDir();
        }
        pending.merge(entry.runId(), 1, Integer::sum);
    }

    /** The calls journaled for one run, oldest first. */
    List<Entry> entries(String runId) {
        List<Entry> entries = readOrSetAside(file(runId));
        if (entries.isEmpty()) {
            pending.remove(runId);
        }
        return entries;
    }

    /**
     * A file with a line that is not JSON cannot be replayed safely (order matters): move it to
     * {@code rejected/} for a person to look at, rather than fail every later call.
     */
    private List<Entry> readOrSetAside(Path file) {
        try {
            return read(file);
        } catch (TrackingException corrupt) {
            try {
                Path rejected = dir.resolve("rejected");
                Files.createDirectories(rejected);
                Path target = rejected.resolve(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
                Files.move(file, target);
                syncDir();
                LOG.log(System.Logger.Level.ERROR, corrupt.getMessage() + "; the file was moved to " + target + " and is not replayed");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move corrupt tracking journal file " + file + " aside", e);
            }
            return List.of();
        }
    }

    /** Everything of the run is replayed: forget it. */
    void done(String runId) {
        try {
            Files.deleteIfExists(file(runId));
            syncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete replayed journal file " + file(runId), e);
        }
        pending.remove(runId);
    }

    /** Only {@code rest} is left to replay: replace the run's file atomically. */
    void keepOnly(String runId, List<Entry> rest) {
        if (rest.isEmpty()) {
            done(runId);
            return;
        }
        Path file = file(runId);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            for (Entry e : rest) {
                writeLine(tmp, e.json());
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite journal file " + file, e);
        }
        pending.put(runId, rest.size());
    }

    /** Keeps a call the server refused, with the reason, under {@code rejected/}. */
    void reject(Entry entry, String reason) {
        try {
            Path rejected = dir.resolve("rejected");
            Files.createDirectories(rejected);
            ObjectNode line = entry.json().deepCopy().put("op", entry.op()).put("run", entry.runId()).put("error", reason);
            writeLine(rejected.resolve(file(entry.runId()).getFileName()), line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir.resolve("rejected"), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release lock of tracking journal " + dir, e);
        }
    }

    // ---- encoding of calls ------------------------------------------------------------------

    static Entry metrics(String runId, List<Metric> metrics) {
        ObjectNode json = MlflowHttp.JSON.createObjectNode();
        ArrayNode array = json.putArray("metrics");
        metrics.forEach(m -> array.add(MlflowJson.metricJson(m)));
        return new Entry("metrics", runId, json);
    }

    static Entry inputs(String runId, List<DatasetInput> inputs) {
        ObjectNode json = MlflowHttp.JSON.createObjectNode();
        ArrayNode array = json.putArray("inputs");
        inputs.forEach(i -> array.add(MlflowJson.inputJson(i)));
        return new Entry("inputs", runId, json);
    }

    static Entry params(String runId, Map<String, String> params) {
        return keyValues("params", runId, params);
    }

    static Entry tags(String runId, Map<String, String> tags) {
        return keyValues("tags", runId, tags);
    }

    static Entry artifact(String runId, String path, byte[] content) {
        ObjectNode json = MlflowHttp.JSON.createObjectNode().put("path", path).put("content", Base64.getEncoder().encodeToString(content));
        return new Entry("artifact", runId, json);
    }

    static Entry finish(String runId, RunStatus status, long endTime) {
        ObjectNode json = MlflowHttp.JSON.createObjectNode().put("status", status.name()).put("endTime", endTime);
        return new Entry("finish", runId, json);
    }

    /** Performs a journaled call on {@code tracker}. */
    static void replay(Entry e, Tracker tracker) {
        JsonNode j = e.json();
        switch (e.op()) {
            case "metrics" -> {
                List<Metric> metrics = new ArrayList<>();
                j.path("metrics").forEach(m -> metrics.add(MlflowJson.metric(m)));
                tracker.logMetrics(e.runId(), metrics);
            }
            case "inputs" -> {
                List<DatasetInput> inputs = new ArrayList<>();
                j.path("inputs").forEach(i -> inputs.add(MlflowJson.input(i)));
                tracker.logInputs(e.runId(), inputs);
            }
            case "params" -> tracker.logParams(e.runId(), map(j.path("params")));
            case "tags" -> tracker.setTags(e.runId(), map(j.path("tags")));
            case "artifact" -> tracker.logArtifact(e.runId(), j.path("path").asText(), Base64.getDecoder().decode(j.path("content").asText()));
            case "finish" -> {
                RunStatus status = RunStatus.valueOf(j.path("status").asText());
                tracker.finishRun(e.runId(), status, j.path("endTime").asLong());
            }
            default -> throw new IllegalStateException("unknown journal operation '" + e.op() + "'");
        }
    }

    private static Entry keyValues(String op, String runId, Map<String, String> values) {
        ObjectNode json = MlflowHttp.JSON.createObjectNode();
        ObjectNode map = json.putObject(op);
        values.forEach(map::put);
        return new Entry(op, runId, json);
    }

    private static Map<String, String> map(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }

    // ---- files ------------------------------------------------------------------------------

    private Path file(String runId) {
        String safe = SAFE_ID.matcher(runId).matches() ? runId : hex(runId);
        return dir.resolve(PREFIX + safe + SUFFIX);
    }

    private static String hex(String s) {
        StringBuilder b = new StringBuilder("x");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    private static void writeLine(Path file, JsonNode line) {
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to tracking journal file " + file, e);
        }
    }

    private void syncDir() {
        // Makes a created, renamed or deleted file's directory entry durable (Linux allows
        // opening a directory for reading and forcing it; other systems may not).
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // best effort
        }
    }

    /**
     * A crash during an append can leave a partial last line (that call never returned). Cut it
     * off, so the next append starts on a line of its own.
     */
    private static void cutTornEnd(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                LOG.log(System.Logger.Level.WARNING, "cutting off the partly written last line (" + (size - keep)
                        + " bytes) of tracking journal file " + file);
                ch.truncate(keep);
                ch.force(true);
            }
        }
    }

    private static List<Entry> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Entry> entries = new ArrayList<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    ObjectNode json = (ObjectNode) MlflowHttp.JSON.readTree(lines.get(i));
                    entries.add(new Entry(json.path("op").asText(), json.path("run").asText(), json));
                } catch (IOException | ClassCastException e) {
                    throw new TrackingException("tracking journal file " + file + " line " + (i + 1) + " is not valid JSON: "
                            + MlflowHttp.shorten(String.valueOf(e.getMessage())), e);
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tracking journal file " + file, e);
        }
    }
}
