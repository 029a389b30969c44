package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.InMemoryTracker;
import org.layerpipe.jobs.tracking.Metric;

/** {@code layerpipe status} over the in-memory tracker: each state a trial can be in, and what a re-submission would run. */
class StatusCommandTest {

    private final InMemoryTracker tracker = new InMemoryTracker();

    @Test
    void everyStateAndWhatAResubmissionWouldRun() {
        SweepSpec all = ExactlyOnceTest.sweep("status", "0.05, 1.0e12, 0.04, 0.03, 0.02");
        assertTrue(StatusCommand.report(tracker, all, false).contains("(not in MLflow yet)"));
        assertTrue(tracker.findExperiment("exactly-once").isEmpty(), "status creates nothing");

        // the first three trials ran: finished, diverged, and one whose Spark task failed
        SweepDriver.TaskLauncher launcher = (task, description) -> task.trialIndex() == 2
                ? ExactlyOnceTest.sneakyThrow(new org.apache.spark.SparkException("Job aborted: executor lost"))
                : TrialRunner.run(task, tracker, 0, List.of());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SweepDriver.Outcome first = new SweepDriver(null, tracker, new SweepDriver.Options("http://unused", "/tmp/unused", false, 1),
                quiet, launcher).run(ExactlyOnceTest.sweep("status", "0.05, 1.0e12, 0.04"));
        // the fourth is training in epoch 2 in some other submission of the full grid
        List<Trial> trials = SweepExpander.expand(all);
        Trial t = trials.get(3);
        String running = SweepDriver.createTrialRun(tracker, first.experimentId(), null, all.name(), "other", 3, t.trialId(), "lr=0.03",
                t.config().toParams(), Map.of(), Map.of(), List.of());
        tracker.setTags(running, Map.of(RunNaming.TAG_STATE, "running"));
        tracker.logMetrics(running, List.of(new Metric("test_accuracy", 0.5, 1L, 1L)));

        String status = StatusCommand.report(tracker, all, false);
        List<String> rows = status.lines().filter(l -> l.matches("\\| \\d+ .*")).toList();
        assertEquals(5, rows.size(), status);
        assertTrue(rows.get(0).matches("\\| 0 .*\\| finished \\(test accuracy \\d\\.\\d{4}\\) .*\\| skipped +\\|"), status);
        assertTrue(rows.get(1).matches("\\| 1 .*\\| diverged: diverged in epoch 1: the loss is .*\\| skipped +\\|"), status);
        assertTrue(rows.get(2).matches("\\| 2 .*\\| failed: the Spark task failed: Job aborted: executor lost .*\\| runs +\\|"), status);
        assertTrue(rows.get(3).matches("\\| 3 .*\\| running: epoch 1 of 2 done .*\\| " + running + " +\\| runs +\\|"), status);
        assertTrue(rows.get(4).matches("\\| 4 .*\\| not started .*\\| - +\\| runs +\\|"), status);
        assertTrue(status.contains("2 of 5 trials done; a re-submission would run 3 (trials 2, 3, 4)"), status);
        assertTrue(StatusCommand.report(tracker, all, true).contains("a forced re-submission would run 5 (trials 0, 1, 2, 3, 4)"));
        assertEquals(4, tracker.searchRuns(first.experimentId(), "tags.`layerpipe.role` = 'trial'").size(), "status deletes nothing");
    }

    @Test
    void mistakesAreOneLineAndStatus2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, StatusCommand.run(new String[] {"--tracking-uri", "http://127.0.0.1:1"}, o, e));
        assertEquals(2, StatusCommand.run(new String[] {"a.yaml", "b.yaml", "--tracking-uri", "http://127.0.0.1:1"}, o, e));
        assertEquals(2, StatusCommand.run(new String[] {"/nonexistent/s.yaml", "--tracking-uri", "http://127.0.0.1:1"}, o, e));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("error: no sweep file given: usage: layerpipe status <sweep.yaml> [--tracking-uri URI] [--force]", lines.get(0));
        assertTrue(lines.get(1).startsWith("error: status takes one sweep file, got 'a.yaml' and 'b.yaml'"), lines.get(1));
        assertTrue(lines.get(2).startsWith("error: /nonexistent/s.yaml"), lines.get(2));
    }

    @Test
    void helpPrintsUsageAndAFlagTypoIsTheOneSentence() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, StatusCommand.run(new String[] {"--help"}, o, e));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith(StatusCommand.SYNOPSIS + "\n\nPrints, from MLflow, the state of every trial"), help);
        assertTrue(help.contains("\n  --tracking-uri URI   MLflow tracking server [default: $MLFLOW_TRACKING_URI]\n"), help);
        assertTrue(help.contains("\n  --force              say what `sweep --force` would run\n"), help);
        assertTrue(help.endsWith("\nExit status: 0, or 2 for a mistake in the file or arguments, 1 when MLflow does not answer.\n"), help);
        assertEquals(2, StatusCommand.run(new String[] {"s.yaml", "--tracking-url=http://127.0.0.1:1"}, o, e));
        assertEquals(2, StatusCommand.run(new String[] {"s.yaml", "--tracking-uri"}, o, e));
        assertEquals(List.of("error: unknown flag --tracking-url: did you mean --tracking-uri?", "error: flag --tracking-uri needs a value"),
                err.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(help, out.toString(StandardCharsets.UTF_8), "nothing but the help on stdout");
    }
}
