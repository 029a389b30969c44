package org.layerpipe.jobs.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;
import org.layerpipe.jobs.tracking.TrackingUnavailableException;

/**
 * What a trial's MLflow runs mean, decided in one place for the driver (before it queues a
 * trial) and for the task (before it trains). The rules that make every trial's result land in
 * MLflow exactly once:
 * <ul>
 *   <li>A trial is <em>done</em> when the experiment holds a FINISHED run of its trial id, or a
 *       DIVERGED one (divergence is a deterministic result), whatever sweep file made the run. A
 *       done trial is not trained again unless forced: its rows are rebuilt from the run.</li>
 *   <li>A FINISHED run is never deleted, with one exception: a forced re-run of its trial (tag
 *       {@value #TAG_REPLACES}) that itself ended at least as well replaces it — only after the
 *       re-run reached its end in MLflow. A re-run that fails leaves the earlier result in place.</li>
 *   <li>Any other run (queued, started by an attempt that died, FAILED, KILLED) is partial: a trial
 *       that runs reuses its sweep's queued run or gets a fresh one; partial runs are deleted then.
 *       Except when the trial has an epoch checkpoint: then it resumes from it, in the run its
 *       sweep started and a killed attempt or job left unended, so one run keeps all its epochs;
 *       the task logs only the epochs that run lacks.</li>
 *   <li>A task attempt claims its run before it trains ({@link #claim}): a run an earlier attempt
 *       finished is returned as it is; a run an earlier attempt started is replaced. A first attempt
 *       may start while the server is down (its driver just queued the run); a retry must read the
 *       run first and waits for the server, up to the journal wait, rather than log into a run an
 *       earlier attempt may have filled.</li>
 * </ul>
 * Two attempts of one task at once (Spark's speculation) would break the last rule, which is why
 * {@code SweepJob} refuses {@code spark.speculation=true}.
 */
public final class TrialLedger {

    /** Tag of a forced re-run's run: the runs it replaces once it has finished, comma-separated. */
    public static final String TAG_REPLACES = "layerpipe.replaces";
    private static final String QUEUED = "queued";

    /** What the driver does with one trial. */
    public sealed interface Decision {
    }

    /** The trial is done: {@code run} holds its result. */
    public record Done(RunInfo run) implements Decision {
    }

    /**
     * The trial runs: in {@code reuse} (a queued run of this sweep) or, when null, in a new run;
     * {@code delete} are its partial runs, {@code replaces} the results a forced re-run replaces.
     */
    public record Run(String reuse, List<String> delete, List<String> replaces) implements Decision {
        public Run {
            delete = List.copyOf(delete);
            replaces = List.copyOf(replaces);
        }
    }

    /** What a task attempt does. */
    public sealed interface Claim {
    }

    /**
     * Train, logging to {@code runId}; {@code resumes}: the run is one an earlier attempt started,
     * kept because the trial resumes from its checkpoint (the run may hold some epochs already).
     */
    public record Train(String runId, boolean resumes) implements Claim {
    }

    /** An earlier attempt finished the trial in {@code run}: return its rows, train nothing. */
    public record Finished(RunInfo run) implements Claim {
    }

    /** A trial's state as its runs tell it ({@code layerpipe status}): a line of text, the run it is read from, whether it is done. */
    public record State(String text, String runId, boolean done) {
    }

    private final Tracker tracker;
    /** Trial id -> its live runs, in the order MLflow returned them, without the superseded ones. */
    private final Map<String, List<RunInfo>> runs;
    /** Runs a finished forced re-run replaces but whose deletion its driver did not live to do. */
    private final List<RunInfo> superseded;

    private TrialLedger(Tracker tracker, Map<String, List<RunInfo>> runs, List<RunInfo> superseded) {
        this.tracker = tracker;
        this.runs = runs;
        this.superseded = superseded;
    }

    /** A ledger of an experiment that does not exist yet: no trial has a run. */
    public static TrialLedger empty(Tracker tracker) {
        return new TrialLedger(tracker, Map.of(), List.of());
    }

    /** Every trial run of the experiment, by trial id; reads only (see {@link #completeReplacements()}). */
    public static TrialLedger read(Tracker tracker, String experimentId) {
        Map<String, List<RunInfo>> byTrial = new LinkedHashMap<>();
        for (RunInfo r : tracker.searchRuns(experimentId, "tags.`" + RunNaming.TAG_ROLE + "` = 'trial'")) {
            String trialId = r.tags().get(RunNaming.TAG_TRIAL_ID);
            if (trialId != null) {
                byTrial.computeIfAbsent(trialId, k -> new ArrayList<>()).add(r);
            }
        }
        List<RunInfo> superseded = new ArrayList<>();
        for (List<RunInfo> trialRuns : byTrial.values()) {
            List<RunInfo> replaced = superseded(trialRuns);
            trialRuns.removeAll(replaced);
            superseded.addAll(replaced);
        }
        return new TrialLedger(tracker, byTrial, superseded);
    }

    /**
     * Deletes the runs that forced re-runs replaced when their drivers died after the re-run
     * finished and before deleting the old run.
     */
    public void completeReplacements() {
        for (RunInfo r : superseded) {
            tracker.deleteRun(r.runId());
        }
    }

    /** Runs of one trial that a finished re-run replaces. */
    private static List<RunInfo> superseded(List<RunInfo> trialRuns) {
        List<RunInfo> out = new ArrayList<>();
        for (RunInfo r : trialRuns) {
            for (String id : replaces(r)) {
                trialRuns.stream().filter(o -> o.runId().equals(id) && replacesResult(r, o) && !out.contains(o)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<String> replaces(RunInfo r) {
        String tag = r.tags().getOrDefault(TAG_REPLACES, "");
        return tag.isBlank() ? List.of() : Arrays.asList(tag.split(","));
    }

    /** Whether {@code fresh} has ended at least as well as {@code old} (FINISHED over DIVERGED over anything else). */
    private static boolean replacesResult(RunInfo fresh, RunInfo old) {
        return rank(fresh) > 0 && rank(fresh) >= rank(old);
    }

    /**
     * 2 for a FINISHED run, 1 for a DIVERGED one or one successive halving STOPPED (results: the
     * trial is done), 0 for a partial run.
     */
    static int rank(RunInfo r) {
        if (r.status() == RunStatus.FINISHED) {
            return 2;
        }
        String status = r.tags().get(RunNaming.TAG_STATUS);
        boolean diverged = r.status() == RunStatus.FAILED && TrialStatus.DIVERGED.name().equals(status);
        boolean stopped = r.status() == RunStatus.KILLED && TrialStatus.STOPPED.name().equals(status);
        return diverged || stopped ? 1 : 0;
    }

    /** What to do with trial {@code trialId} in sweep {@code sweepId}, which has no checkpoint to resume from. */
    public Decision decide(String trialId, String sweepId, boolean force) {
        return decide(trialId, sweepId, force, false);
    }

    /**
     * What to do with trial {@code trialId} in sweep {@code sweepId}; {@code resumable}: the trial has
     * an epoch checkpoint, so a run of this sweep that an attempt started and never ended is kept
     * for it to resume in. (A forced re-run of a done trial starts over: its driver deletes the
     * checkpoints first and passes false.)
     */
    public Decision decide(String trialId, String sweepId, boolean force, boolean resumable) {
        List<RunInfo> trialRuns = runs.getOrDefault(trialId, List.of());
        Optional<RunInfo> result = result(trialId);
        if (result.isPresent() && !force) {
            return new Done(result.get());
        }
        List<String> replaces = trialRuns.stream().filter(r -> rank(r) > 0).map(RunInfo::runId).toList();
        String reuse = null;
        if (resumable) {
            reuse = trialRuns.stream().filter(r -> resumesIn(r, sweepId)).map(RunInfo::runId).findFirst().orElse(null);
        }
        List<String> delete = new ArrayList<>();
        for (RunInfo r : trialRuns) {
            if (rank(r) > 0 || r.runId().equals(reuse)) {
                continue; // results stay until a re-run replaces them
            }
            boolean queued = QUEUED.equals(r.tags().get(RunNaming.TAG_STATE)) && sweepId.equals(r.tags().get(RunNaming.TAG_SWEEP_ID));
            if (reuse == null && queued && replaces(r).equals(replaces)) {
                reuse = r.runId();
            } else {
                delete.add(r.runId());
            }
        }
        return new Run(reuse, delete, replaces);
    }

    /** Whether a resuming trial goes on in {@code r}: a run of this sweep that was started and never ended. */
    private static boolean resumesIn(RunInfo r, String sweepId) {
        return rank(r) == 0 && !r.status().isTerminal() && !QUEUED.equals(r.tags().get(RunNaming.TAG_STATE))
                && sweepId.equals(r.tags().get(RunNaming.TAG_SWEEP_ID)) && replaces(r).isEmpty();
    }

    /** The run holding the trial's result, the best first (FINISHED over DIVERGED). */
    private Optional<RunInfo> result(String trialId) {
        return runs.getOrDefault(trialId, List.of()).stream().filter(r -> rank(r) > 0)
                .max(Comparator.comparingInt(TrialLedger::rank)); // the first of equals
    }

    /**
     * The trial's state: finished, diverged, running with its last logged epoch, failed with the
     * reason, stopped, or not started; read from its result or else its furthest partial run.
     */
    public State state(String trialId, int epochs) {
        Optional<RunInfo> result = result(trialId);
        if (result.isPresent()) {
            RunInfo r = result.get();
            Double acc = r.latestMetrics().get("test_accuracy");
            String text = TrialStatus.PLANNED.name().equals(r.tags().get(RunNaming.TAG_STATUS))
                    ? String.format(Locale.ROOT, "planned (predicted %.0f samples/s)", r.latestMetrics().getOrDefault("predicted_samples_per_second",
                            Double.NaN))
                    : rank(r) == 2 ? "finished" + (acc == null ? "" : String.format(Locale.ROOT, " (test accuracy %.4f)", acc))
                    : r.status() == RunStatus.KILLED ? "stopped by successive halving after epoch " + r.tags().getOrDefault(RunNaming.TAG_RUNG, "?")
                    : "diverged: " + r.tags().getOrDefault(RunNaming.TAG_FAILURE, "");
            return new State(text, r.runId(), true);
        }
        RunInfo furthest = null;
        for (RunInfo r : runs.getOrDefault(trialId, List.of())) {
            if (furthest == null || progress(r) > progress(furthest)) {
                furthest = r;
            }
        }
        if (furthest == null || progress(furthest) == 0) {
            return new State("not started", null, false);
        }
        Map<String, String> tags = furthest.tags();
        String text = switch (furthest.status()) {
            case FAILED -> "failed: " + tags.getOrDefault(RunNaming.TAG_FAILURE, "(no reason logged)");
            case KILLED -> "STOPPED".equals(tags.get(RunNaming.TAG_STATUS)) ? "stopped" : "killed";
            default -> {
                long epoch = tracker.metricHistory(furthest.runId(), "test_accuracy").stream().mapToLong(m -> m.step()).max().orElse(0);
                yield "running: epoch " + epoch + " of " + epochs + " done";
            }
        };
        return new State(text, furthest.runId(), false);
    }

    /** How far a partial run got: 0 queued, 1 ended (FAILED, KILLED), 2 started and not ended. */
    private static int progress(RunInfo r) {
        if (QUEUED.equals(r.tags().get(RunNaming.TAG_STATE))) {
            return 0;
        }
        return r.status().isTerminal() ? 1 : 2;
    }

    /**
     * After a forced re-run's task returned: replaces the earlier results when the re-run ended at
     * least as well in MLflow, and otherwise keeps them and returns the earlier result's rows.
     */
    public TrialOutcome settle(TrialTask task, TrialOutcome outcome, PrintStream out) {
        if (task.replaces().isEmpty()) {
            return outcome;
        }
        RunInfo old = result(task.trialId()).orElseThrow();
        Optional<RunInfo> fresh;
        try {
            fresh = tracker.getRun(outcome.trial().runId());
        } catch (TrackingUnavailableException down) {
            fresh = Optional.empty();
        }
        if (fresh.isPresent() && replacesResult(fresh.get(), old)) {
            for (String id : task.replaces()) {
                tracker.deleteRun(id);
            }
            return outcome;
        }
        boolean ended = TrialStatus.FINISHED.name().equals(outcome.trial().status())
                || (TrialStatus.DIVERGED.name().equals(outcome.trial().status()) && rank(old) == 1);
        if (ended) {
            // the re-run's end has not reached MLflow yet (journaled): the next submission completes the replacement
            out.printf("trial %d: run %s replaces %s once MLflow has its end; until then both are kept%n", task.trialIndex(),
                    outcome.trial().runId(), String.join(",", task.replaces()));
            return outcome;
        }
        out.printf("warning: the forced re-run of trial %d ended %s; its earlier finished run %s is kept%n", task.trialIndex(),
                outcome.trial().status(), old.runId());
        return rows(old, tracker, task.sweepName(), task.sweepId(), task.trialIndex());
    }

    /** The rows of a done trial in the terms of the sweep asking (its name, id and index), whatever sweep ran it. */
    static TrialOutcome rows(RunInfo run, Tracker tracker, String sweepName, String sweepId, int trialIndex) {
        return RunRows.fromRun(run, tracker, new ResultRows.Context(sweepName, sweepId, trialIndex, run.runId(), run.name()));
    }

    /**
     * The run a task attempt logs to, or the result an earlier attempt already left (see the
     * class's rules). Blocks while a retry waits for the server. {@code resumable}: the trial has an
     * epoch checkpoint, so a run an earlier attempt started and did not end is kept, and the trial
     * resumes in it.
     */
    public static Claim claim(TrialTask task, Tracker tracker, int attempt, boolean resumable) {
        // A first attempt logs to the run its driver just queued; a journal that holds an earlier
        // attempt's calls means this is not the first attempt to get here.
        boolean earlier = attempt > 0 || (tracker instanceof JournalingTracker j && j.pending() > 0);
        Optional<RunInfo> run;
        long deadline = System.nanoTime() + task.journalWait().toNanos();
        while (true) {
            try {
                run = tracker.getRun(task.runId());
                break;
            } catch (TrackingUnavailableException down) {
                if (!earlier) {
                    return new Train(task.runId(), false); // the journal delivers once the server answers
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new TrackingUnavailableException("attempt " + attempt + " of trial " + task.trialIndex() + " did not train: "
                            + "it must see whether an earlier attempt started run " + task.runId() + " first, and MLflow did not answer"
                            + " within " + task.journalWait().toSeconds() + " s (" + down.getMessage() + ")", down);
                }
                sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }
        if (run.isPresent() && rank(run.get()) > 0) {
            return new Finished(run.get());
        }
        if (run.isPresent() && QUEUED.equals(run.get().tags().get(RunNaming.TAG_STATE))) {
            return new Train(task.runId(), false);
        }
        if (run.isPresent() && resumable && !run.get().status().isTerminal()) {
            return new Train(task.runId(), true); // started by an attempt that died after a checkpoint: go on in it
        }
        if (run.isPresent()) {
            tracker.deleteRun(task.runId()); // partial: an earlier attempt started it and died
        }
        return new Train(SweepDriver.createTrialRun(tracker, task.experimentId(), task.parentRunId(), task.sweepName(), task.sweepId(),
                task.trialIndex(), task.trialId(), task.runName(), task.params(), task.varied(), task.sourceTags(), task.replaces()), false);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the MLflow server", e);
        }
    }
}
