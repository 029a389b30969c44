package org.layerpipe.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerpipe.jobs.it.ItSweep.assertContains;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.jobs.run.ParentSummary;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.run.TrialOutcome;
import org.layerpipe.jobs.run.TrialRunner;
import org.layerpipe.jobs.run.TrialTask;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.MlflowLimits;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * Texts MLflow would refuse and refusals after training, against the real server: a sweep note
 * over the 8000-character tag limit is stored cut, with the full text as an artifact; a trial
 * whose final bookkeeping the server refuses still returns its outcome (a Spark task that threw
 * would be retried, training the trial again) and keeps the refused calls in its journal.
 */
class LongTextsIT {

    @TempDir
    Path dir;

    @Test
    void aNoteOf20000CharactersIsStoredCutWithTheFullTextAsAnArtifact() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        String experimentId = mlflow.experimentId("it-long-texts-" + UUID.randomUUID().toString().substring(0, 8));
        String parent = mlflow.createRun(experimentId, "long-note", Map.of(RunNaming.TAG_ROLE, "sweep"), null);
        StringBuilder table = new StringBuilder();
        for (int i = 0; table.length() < 20_000; i++) {
            table.append(String.format("| %4d | schedule=layerpipe2 · ema-pa · lr=0.05 · seed=%d | FINISHED | 0.8123 |%n", i, i));
        }
        String full = table.substring(0, 20_000);
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        ParentSummary.publish(mlflow, parent, "long-note", full, Map.of(), List.of(), dir.toString(),
                new PrintStream(warnings, true, StandardCharsets.UTF_8));

        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "nothing refused");
        RunInfo run = mlflow.getRun(parent).orElseThrow();
        assertEquals(RunStatus.FINISHED, run.status());
        String note = run.tags().get(RunNaming.TAG_NOTE);
        assertTrue(note.length() <= MlflowLimits.TAG_VALUE, "note of " + note.length() + " characters");
        assertTrue(note.length() > MlflowLimits.TAG_VALUE - 200, "the note keeps as much as fits: " + note.length());
        assertTrue(note.startsWith("## long-note\n\n" + full.substring(0, 1000)), note.substring(0, 200));
        assertTrue(note.endsWith(" of 20014 characters shown; the full text is the artifact summary.md]"),
                note.substring(note.length() - 200));
        assertEquals(full, new String(mlflow.downloadArtifact(parent, "summary.md"), StandardCharsets.UTF_8));
        assertEquals(0.0, run.latestMetrics().get("trials_finished"));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFailureReasonTooLongForATagIsStoredCutWithTheWholeReasonAsAnArtifact() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        String experimentId = mlflow.experimentId("it-long-texts-" + UUID.randomUUID().toString().substring(0, 8));
        String path = "/nonexistent/" + "x".repeat(20_000);
        Map<String, String> params = TrialConfig.defaults().with(Map.of("model", "mlp", "data", "fashion-mnist", "data.path", path))
                .toParams();
        String runId = mlflow.createRun(experimentId, "long-failure", Map.of(RunNaming.TAG_STATE, "queued"), null);
        TrialTask task = new TrialTask("long", "s0", 0, "t0", params, "long-failure", runId, experimentId, "", uri,
                dir.resolve("journal").toString(), Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(), Map.of(), List.of());
        TrialOutcome outcome;
        try (JournalingTracker tracker = new JournalingTracker(mlflow, dir.resolve("journal-long"))) {
            outcome = TrialRunner.run(task, tracker, 0, List.of());
        }
        assertEquals("FAILED", outcome.trial().status());
        assertContains(outcome.trial().message(), path);
        RunInfo run = mlflow.getRun(runId).orElseThrow();
        assertEquals(RunStatus.FAILED, run.status(), "the final status reached the server: nothing was refused");
        for (String tag : List.of(RunNaming.TAG_NOTE, RunNaming.TAG_FAILURE)) {
            String value = run.tags().get(tag);
            assertTrue(value.length() <= MlflowLimits.TAG_VALUE, tag + ": " + value.length() + " characters");
            assertTrue(value.endsWith("; the full text is the artifact failure.txt]"), value.substring(value.length() - 120));
        }
        assertEquals(outcome.trial().message(), new String(mlflow.downloadArtifact(runId, "failure.txt"), StandardCharsets.UTF_8));
        Path rejected = dir.resolve("journal-long").resolve("rejected");
        assertTrue(!Files.exists(rejected), () -> "no call was refused, got " + ItSweep.readTree(rejected));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRefusalAfterTrainingIsJournaledAndTheTaskStillReturnsItsOutcome() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        String experimentId = mlflow.experimentId("it-long-texts-" + UUID.randomUUID().toString().substring(0, 8));
        Map<String, String> params = TrialConfig.defaults().with(Map.of("model", "mlp", "model.hidden", "32", "data", "synthetic",
                "batch_size", "32", "epochs", "3", "partition", "[2,2]")).toParams();
        String trialId = TrialConfig.fromParams(params).configHash();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_ROLE, "trial");
        tags.put(RunNaming.TAG_STATE, "queued");
        String runId = mlflow.createRun(experimentId, "refused", tags, null);
        mlflow.logParams(runId, params);
        TrialTask task = new TrialTask("refusals", "s0", 0, trialId, params, "refused", runId, experimentId, "", uri,
                dir.resolve("journal").toString(), Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(), Map.of(), List.of());

        // What a concurrent `--force` of the same sweep does: it deletes the run while the trial trains,
        // and the server then refuses every later call for it.
        AtomicBoolean deleted = new AtomicBoolean();
        Thread deleter = new Thread(() -> {
            try {
                while (!"running".equals(mlflow.getRun(runId).orElseThrow().tags().get(RunNaming.TAG_STATE))) {
                    Thread.sleep(20);
                }
                mlflow.deleteRun(runId);
                deleted.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        deleter.start();
        Path journal = dir.resolve("journal").resolve("trial");
        TrialOutcome outcome;
        try (JournalingTracker tracker = new JournalingTracker(mlflow, journal)) {
            outcome = TrialRunner.run(task, tracker, 0, List.of());
        }
        deleter.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(deleted.get(), "the run was deleted while the trial ran");
        assertEquals(runId, outcome.trial().runId(), "the task returned its outcome instead of failing");
        Path rejected = journal.resolve("rejected").resolve("run-" + runId + ".jsonl");
        assertTrue(Files.exists(rejected), "refused calls are kept in " + rejected);
        String kept = Files.readString(rejected);
        assertContains(kept, "\"op\":\"tags\"");
        assertContains(kept, "\"" + RunNaming.TAG_STATE + "\":\"done\"");
    }
}
