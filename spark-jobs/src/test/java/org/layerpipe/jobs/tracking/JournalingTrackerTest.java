package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalingTrackerTest {

    @TempDir
    Path dir;

    private final InMemoryTracker store = new InMemoryTracker();
    private final SwitchableTracker server = new SwitchableTracker(store, false);
    private String run;

    @BeforeEach
    void createRun() {
        run = store.createRun(store.experimentId("sweep"), "trial-1", Map.of(), null);
    }

    /** Probes like a ping would: the server answers when it is not down. */
    private JournalingTracker journaling(Duration probeInterval) {
        return new JournalingTracker(server, dir, () -> !server.down, probeInterval, Duration.ZERO);
    }

    private static List<Metric> losses(int from, int to) {
        List<Metric> m = new ArrayList<>();
        for (int i = from; i < to; i++) {
            m.add(new Metric("loss", 1.0 / (i + 1), 1_000 + i, i));
        }
        return m;
    }

    @Test
    void callsGoStraightThroughWhileTheServerAnswers() {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            t.logMetrics(run, losses(0, 3));
            assertEquals(0, t.pending());
        }
        assertEquals(3, store.metricHistory(run, "loss").size());
        assertEquals(List.of(), journalFiles());
    }

    @Test
    void whileDownCallsAreJournaledAndReplayedInOrderOnceItAnswers() {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            t.logParams(run, Map.of("lr", "0.1"));
            t.logMetrics(run, losses(0, 5));
            t.setTags(run, Map.of("phase", "train"));
            t.logArtifact(run, "a.txt", new byte[] {7});
            t.finishRun(run, RunStatus.FINISHED);
            assertEquals(5, t.pending());
            assertEquals(1, journalFiles().size(), "one file per run");
            assertEquals(RunStatus.RUNNING, store.getRun(run).orElseThrow().status());

            server.down = false;
            t.logMetrics(run, losses(5, 6)); // replays the journal first, then logs
            assertEquals(0, t.pending());
        }
        assertEquals(losses(0, 6), store.metricHistory(run, "loss"));
        RunInfo info = store.getRun(run).orElseThrow();
        assertEquals(Map.of("lr", "0.1"), info.params());
        assertEquals("train", info.tags().get("phase"));
        assertEquals(RunStatus.FINISHED, info.status());
        assertArrayEquals(new byte[] {7}, store.artifact(run, "a.txt").orElseThrow());
        assertEquals(List.of(), journalFiles());
    }

    @Test
    void aRunsHistoryIncludesTheValuesStillJournaled() {
        try (JournalingTracker t = journaling(Duration.ofHours(1))) {
            t.logMetrics(run, losses(0, 2));
            server.down = true;
            t.logMetrics(run, losses(2, 4)); // journaled
            server.down = false; // back, but within the probe interval nothing is replayed yet
            assertEquals(1, t.pending(), "one journaled call");
            assertEquals(List.of(0L, 1L, 2L, 3L), t.metricHistory(run, "loss").stream().map(Metric::step).toList(),
                    "a resumed trial sees the steps that wait in the journal, and does not log them again");
            assertEquals(List.of(), t.metricHistory(run, "accuracy"));
        }
    }

    @Test
    void onlyTheFirstCallOfAnOutageWaitsForTheServer() {
        try (JournalingTracker t = journaling(Duration.ofHours(1))) {
            server.down = true;
            for (int i = 0; i < 10; i++) {
                t.logMetrics(run, losses(i, i + 1));
            }
            assertEquals(1, server.calls.get(), "later calls were journaled without asking the server");
            server.down = false;
            // Within the probe interval the run's calls keep queueing behind the journaled ones.
            t.logMetrics(run, losses(10, 11));
            assertEquals(11, t.pending());
            assertEquals(0, t.flush());
        }
        assertEquals(losses(0, 11), store.metricHistory(run, "loss"));
    }

    @Test
    void replayingTwiceStoresEachValueOnce() throws IOException {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            t.logParams(run, Map.of("lr", "0.1"));
            t.logMetrics(run, losses(0, 4));
            Path file = journalFiles().get(0);
            byte[] saved = Files.readAllBytes(file);
            server.down = false;
            assertEquals(0, t.flush());
            // As if the process died after replaying but before deleting the file.
            Files.write(file, saved);
        }
        try (JournalingTracker again = journaling(Duration.ZERO)) {
            assertEquals(2, again.pending());
            assertEquals(0, again.flush());
        }
        assertEquals(losses(0, 4), store.metricHistory(run, "loss"));
    }

    @Test
    void aCallRefusedOnReplayIsSetAsideAndTheRestReplayed() throws IOException {
        store.logParams(run, Map.of("lr", "0.1"));
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            t.logParams(run, Map.of("lr", "0.2")); // will conflict
            t.logMetrics(run, losses(0, 2));
            server.down = false;
            assertEquals(0, t.flush());
        }
        assertEquals(losses(0, 2), store.metricHistory(run, "loss"));
        Path rejected = dir.resolve("rejected").resolve("run-" + run + ".jsonl");
        String kept = Files.readString(rejected);
        assertTrue(kept.contains("\"lr\":\"0.2\"") && kept.contains("cannot be changed to '0.2'"), kept);
    }

    @Test
    void closeWaitsABoundedTimeAndLeavesTheJournalForTheNextTracker() {
        server.down = true;
        long start = System.nanoTime();
        JournalingTracker t = new JournalingTracker(server, dir, () -> !server.down, Duration.ofMillis(50), Duration.ofMillis(300));
        t.logMetrics(run, losses(0, 3));
        t.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 300 && ms < 10_000, "close took " + ms + " ms");
        assertEquals(1, journalFiles().size());

        server.down = false;
        try (JournalingTracker next = journaling(Duration.ZERO)) {
            assertEquals(1, next.pending());
            next.getRun(run); // any call replays first
            assertEquals(0, next.pending());
        }
        assertEquals(losses(0, 3), store.metricHistory(run, "loss"));
    }

    @Test
    void aJournalDirectoryHasOneOwner() {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            TrackingException e = assertThrows(TrackingException.class, () -> journaling(Duration.ZERO));
            assertTrue(e.getMessage().contains("is in use by another JournalingTracker"), e.getMessage());
        }
        journaling(Duration.ZERO).close(); // released on close
    }

    @Test
    void aPartlyWrittenLastLineIsIgnored() throws IOException {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            t.logMetrics(run, losses(0, 2));
            t.logMetrics(run, losses(2, 3));
        }
        Path file = journalFiles().get(0);
        Files.writeString(file, "{\"op\":\"metrics\",\"run\":\"" + run + "\",\"metr", StandardOpenOption.APPEND);
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            assertEquals(2, t.pending());
            t.logMetrics(run, losses(3, 4)); // appended on a line of its own
            server.down = false;
            assertEquals(0, t.flush());
        }
        assertEquals(losses(0, 4), store.metricHistory(run, "loss"));
    }

    @Test
    void aCorruptFileIsSetAsideInsteadOfBlockingEveryCall() throws IOException {
        String other = store.createRun(store.experimentId("sweep"), "trial-2", Map.of(), null);
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            t.logMetrics(run, losses(0, 1));
            t.logMetrics(other, losses(0, 2));
        }
        Path broken = dir.resolve("run-" + run + ".jsonl");
        Files.writeString(broken, "not json\n" + Files.readString(broken));
        server.down = false;
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            assertEquals(1, t.pending(), "only the readable run is pending");
            t.logMetrics(run, losses(5, 6));
        }
        assertEquals(losses(0, 2), store.metricHistory(other, "loss"));
        assertEquals(losses(5, 6), store.metricHistory(run, "loss"));
        try (Stream<Path> aside = Files.list(dir.resolve("rejected"))) {
            assertTrue(aside.anyMatch(f -> f.getFileName().toString().startsWith("run-" + run + ".jsonl.corrupt-")));
        }
    }

    @Test
    void theJournalSurvivesAProcessCrash() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, JournalCrashChild.class.getName(), dir.toString(), run, "50")
                .redirectErrorStream(true)
                .start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not end");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, child.exitValue(), output);
        assertTrue(output.contains("journaled 54"), output);

        try (JournalingTracker recovered = journaling(Duration.ZERO)) {
            assertEquals(54, recovered.pending());
            assertEquals(0, recovered.flush());
        }
        assertEquals(losses(0, 50), store.metricHistory(run, "loss"));
        RunInfo info = store.getRun(run).orElseThrow();
        assertEquals(RunStatus.FAILED, info.status());
        assertEquals("0.05", info.params().get("lr"));
        assertEquals("crashed", info.tags().get("outcome"));
        assertArrayEquals(new byte[] {42}, store.artifact(run, "notes/last.txt").orElseThrow());
        assertEquals(List.of(), journalFiles());
    }

    @Test
    void callsThatMustAnswerStillFailWhenDown() {
        try (JournalingTracker t = journaling(Duration.ZERO)) {
            server.down = true;
            assertThrows(TrackingUnavailableException.class, () -> t.createRun("1", "r", Map.of(), null));
        }
    }

    private List<Path> journalFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
