package org.layerpipe.jobs.run;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.MlflowLimits;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;
import org.layerpipe.jobs.tracking.TrackingException;

/**
 * What a finished sweep leaves on its parent run: the summary table as the run's note (cut to
 * MLflow's tag limit, whole in the artifact {@value #SUMMARY_ARTIFACT}), the report's files, the counts as
 * tags, and the headline numbers as metrics ({@code best_test_accuracy} and
 * {@code mean_test_accuracy} over the finished trials' final test accuracy, {@code trials_finished},
 * {@code trials_failed}, {@code trials_stopped} and {@code trials_planned} when there are any) so the runs table can sort and compare sweeps. The trials are done by
 * then: a refused call is one warning line, not a failed job.
 */
public final class ParentSummary {

    static final String SUMMARY_ARTIFACT = "summary.md";

    private ParentSummary() {
    }

    /**
     * Logs the summary to {@code parentRunId} and ends the run FINISHED.
     *
     * @param table  the summary table (the run's note, and the artifact {@value #SUMMARY_ARTIFACT})
     * @param charts further artifacts by name (the sweep's report files)
     */
    public static void publish(Tracker tracker, String parentRunId, String sweepName, String table, Map<String, byte[]> charts,
                               List<TrialRow> trials, String output, PrintStream warnings) {
        List<Double> accuracies = trials.stream().filter(t -> "FINISHED".equals(t.status()))
                .map(TrialRow::finalTestAccuracy).filter(Double::isFinite).toList();
        long finished = trials.stream().filter(t -> "FINISHED".equals(t.status())).count();
        long stopped = trials.stream().filter(t -> "STOPPED".equals(t.status())).count(); // by successive halving: not failures
        long planned = trials.stream().filter(t -> "PLANNED".equals(t.status())).count(); // simulated, not trained: not failures
        long failed = trials.size() - finished - stopped - planned;

        call(warnings, "the summary artifact", () -> tracker.logArtifact(parentRunId, SUMMARY_ARTIFACT,
                table.getBytes(StandardCharsets.UTF_8)));
        charts.forEach((name, png) -> call(warnings, "the chart " + name,
                () -> tracker.logArtifact(parentRunId, name, png)));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_NOTE, MlflowLimits.cut("## " + sweepName + "\n\n" + table, MlflowLimits.TAG_VALUE, SUMMARY_ARTIFACT));
        tags.put("layerpipe.trials_finished", String.valueOf(finished));
        tags.put("layerpipe.trials_failed", String.valueOf(failed));
        if (stopped > 0) {
            tags.put("layerpipe.trials_stopped", String.valueOf(stopped));
        }
        if (planned > 0) {
            tags.put("layerpipe.trials_planned", String.valueOf(planned));
        }
        tags.put("layerpipe.results", output);
        call(warnings, "the summary tags", () -> tracker.setTags(parentRunId, tags));
        long now = System.currentTimeMillis();
        List<Metric> metrics = new ArrayList<>();
        if (!accuracies.isEmpty()) {
            metrics.add(new Metric("best_test_accuracy", accuracies.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), now, 0));
            metrics.add(new Metric("mean_test_accuracy", accuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                    now, 0));
        }
        metrics.add(new Metric("trials_finished", finished, now, 0));
        metrics.add(new Metric("trials_failed", failed, now, 0));
        if (stopped > 0) {
            metrics.add(new Metric("trials_stopped", stopped, now, 0));
        }
        if (planned > 0) {
            metrics.add(new Metric("trials_planned", planned, now, 0));
        }
        call(warnings, "the summary metrics", () -> tracker.logMetrics(parentRunId, metrics));
        call(warnings, "the final status", () -> tracker.finishRun(parentRunId, RunStatus.FINISHED));
    }

    private static void call(PrintStream warnings, String what, Runnable call) {
        try {
            call.run();
        } catch (TrackingException refused) {
            warnings.println("warning: MLflow refused " + what + " of the sweep's run: " + refused.getMessage());
        }
    }
}
