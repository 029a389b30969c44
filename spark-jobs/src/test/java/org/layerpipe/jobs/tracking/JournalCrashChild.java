package org.layerpipe.jobs.tracking;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by {@link JournalingTrackerTest}: journals calls while the server is
 * down, then dies without closing anything (Runtime.halt), as a crashed executor would.
 * Arguments: journal directory, run id, number of metric values.
 */
public final class JournalCrashChild {

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String runId = args[1];
        int n = Integer.parseInt(args[2]);
        SwitchableTracker down = new SwitchableTracker(new InMemoryTracker(), true);
        JournalingTracker tracker = new JournalingTracker(down, dir, () -> false, Duration.ofHours(1), Duration.ZERO);
        tracker.logParams(runId, Map.of("lr", "0.05"));
        for (int i = 0; i < n; i++) {
            tracker.logMetrics(runId, List.of(new Metric("loss", 1.0 / (i + 1), 1_000 + i, i)));
        }
        tracker.setTags(runId, Map.of("outcome", "crashed"));
        tracker.logArtifact(runId, "notes/last.txt", new byte[] {42});
        tracker.finishRun(runId, RunStatus.FAILED);
        System.out.println("journaled " + tracker.pending());
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
