package org.layerpipe.jobs.run;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.layerpipe.core.train.BuildInfo;
import org.layerpipe.core.train.Checkpoints;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.sweep.EarlyStopping;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.JournalingTracker;
import org.layerpipe.jobs.tracking.RetryPolicy;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * The driver side of a sweep: prepares MLflow (experiment, parent run, one child run per
 * pending trial), skips trials that are done by the {@link TrialLedger}'s rules (a FINISHED or
 * DIVERGED run of the config hash anywhere in the experiment) unless forced, runs each
 * pending trial as a one-task Spark job (so the Spark UI names sweep and trial, and one
 * failing trial fails only its own job), prints progress, and gathers every trial's rows —
 * fresh ones from the tasks, skipped ones rebuilt from MLflow.
 */
public final class SweepDriver {

    /**
     * Settings of one submission.
     *
     * @param trackingRetry how long one MLflow call is retried before its task journals it
     * @param journalWait   how long a finished task waits for the server to take its journaled calls (and a retried
     *                      one for the server before it starts)
     * @param checkpointRoot where trials whose sweep sets no {@code checkpoint.dir} keep their epoch checkpoints (a
     *                      qualified Hadoop path every executor reaches); null = only where the sweep sets it
     */
    public record Options(String trackingUri, String journalDir, boolean force, int concurrentTrials, Duration trackingRetry,
                          Duration journalWait, String checkpointRoot) {

        /** No default checkpoint folder. */
        public Options(String trackingUri, String journalDir, boolean force, int concurrentTrials, Duration trackingRetry,
                       Duration journalWait) {
            this(trackingUri, journalDir, force, concurrentTrials, trackingRetry, journalWait, null);
        }

        /** Default retry budget and journal wait, no default checkpoint folder. */
        public Options(String trackingUri, String journalDir, boolean force, int concurrentTrials) {
            this(trackingUri, journalDir, force, concurrentTrials, RetryPolicy.DEFAULT.maxElapsed(), JournalingTracker.DEFAULT_CLOSE_WAIT);
        }
    }

    /** Everything the sweep produced. */
    public record Outcome(String sweepId, String experimentId, String parentRunId, List<TrialOutcome> trials, int skipped) {
    }

    private final JavaSparkContext spark;
    private final Tracker tracker;
    private final Options options;
    private final PrintStream out;
    /** Runs a task; the default sends it to Spark, tests may run it in-process. */
    private final TaskLauncher launcher;

    /** How a prepared task is executed. */
    @FunctionalInterface
    public interface TaskLauncher {
        TrialOutcome launch(TrialTask task, String description);
    }

    public SweepDriver(JavaSparkContext spark, Tracker tracker, Options options, PrintStream out) {
        this(spark, tracker, options, out, (task, description) -> {
            spark.setJobDescription(description);
            return spark.parallelize(List.of(task), 1).map(TrialRunner::run).collect().get(0);
        });
    }

    public SweepDriver(JavaSparkContext spark, Tracker tracker, Options options, PrintStream out, TaskLauncher launcher) {
        this.spark = spark;
        this.tracker = tracker;
        this.options = options;
        this.out = out;
        this.launcher = launcher;
    }

    /** Stable id of a sweep: its name and the ids of its trials, in order. */
    public static String sweepId(SweepSpec spec, List<Trial> trials) {
        StringBuilder sb = new StringBuilder(spec.name());
        for (Trial t : trials) {
            sb.append('\n').append(t.trialId());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Outcome run(SweepSpec spec) {
        List<Trial> trials = SweepExpander.expand(spec);
        if (spec.earlyStopping() != null) {
            for (Trial t : trials) {
                if (t.config().epochs() != trials.get(0).config().epochs()) {
                    throw new IllegalArgumentException("early_stopping needs every trial to train the same number of epochs, but trial "
                            + t.index() + " trains " + t.config().epochs() + " and trial 0 " + trials.get(0).config().epochs()
                            + ": move epochs into base");
                }
            }
        }
        String sweepId = sweepId(spec, trials);
        String experimentId = tracker.experimentId(spec.experiment());
        // MLflow 3 opens an experiment without this kind in its GenAI view, which hides the runs table.
        tracker.setExperimentTag(experimentId, RunNaming.EXPERIMENT_KIND_TAG, RunNaming.EXPERIMENT_KIND);
        Map<String, String> source = RunNaming.sourceTags(spec.sourcePath(), System.getProperty("user.name"),
                BuildInfo.properties().get("layerpipe.git.commit"));
        String parentRunId = parentRun(spec, experimentId, sweepId, trials.size(), source);
        out.printf(Locale.ROOT, "sweep %s (%s): %d trials, experiment '%s', parent run %s%n", spec.name(), sweepId,
                trials.size(), spec.experiment(), parentRunId);

        TrialLedger ledger = TrialLedger.read(tracker, experimentId);
        ledger.completeReplacements();
        List<TrialOutcome> done = new ArrayList<>();
        List<TrialTask> pending = new ArrayList<>();
        int skipped = 0;
        int diverged = 0;
        int stopped = 0;
        int planned = 0;
        for (Trial t : trials) {
            String runName = SweepExpander.runName(t);
            Map<String, String> params = withCheckpoints(t.config());
            TrialLedger.Decision decision = ledger.decide(t.trialId(), sweepId, options.force(), false);
            int checkpointed = 0;
            if (decision instanceof TrialLedger.Run forced && !forced.replaces().isEmpty()) {
                // a forced re-run of a done trial trains from epoch 0: its last checkpoint would end it at once
                clearCheckpoints(params, t.trialId());
            } else if (decision instanceof TrialLedger.Run) {
                checkpointed = Checkpoints.lastEpoch(params.getOrDefault("checkpoint.dir", ""), t.trialId(), new Configuration());
                decision = ledger.decide(t.trialId(), sweepId, options.force(), checkpointed > 0);
            }
            if (decision instanceof TrialLedger.Done d) {
                done.add(TrialLedger.rows(d.run(), tracker, spec.name(), sweepId, t.index()));
                skipped++;
                planned += TrialStatus.PLANNED.name().equals(d.run().tags().get(RunNaming.TAG_STATUS)) ? 1 : 0;
                if (TrialLedger.rank(d.run()) == 1) {
                    boolean halted = TrialStatus.STOPPED.name().equals(d.run().tags().get(RunNaming.TAG_STATUS));
                    diverged += halted ? 0 : 1;
                    stopped += halted ? 1 : 0;
                }
                continue;
            }
            TrialLedger.Run run = (TrialLedger.Run) decision;
            run.delete().forEach(tracker::deleteRun); // partial runs: queued elsewhere, or left by attempts that died
            String runId = run.reuse() != null ? run.reuse()
                    : createTrialRun(tracker, experimentId, parentRunId, spec.name(), sweepId, t.index(), t.trialId(), runName,
                            params, t.varied(), source, run.replaces());
            if (checkpointed > 0) {
                out.printf(Locale.ROOT, "trial %d resumes from its epoch-%d checkpoint in run %s%n", t.index(), checkpointed, runId);
            }
            pending.add(new TrialTask(spec.name(), sweepId, t.index(), t.trialId(), params, runName, runId,
                    experimentId, parentRunId, options.trackingUri(), options.journalDir(), options.trackingRetry(),
                    options.journalWait(), t.varied(), source, run.replaces()));
        }
        if (skipped > 0) {
            out.printf(Locale.ROOT, "%d trial(s) already done in MLflow (%d finished, %d diverged%s%s): skipped (use --force to re-run them)%n",
                    skipped, skipped - diverged - stopped - planned, diverged, stopped == 0 ? "" : ", " + stopped + " stopped early",
                    planned == 0 ? "" : ", " + planned + " planned");
        }
        done.addAll(spec.earlyStopping() == null ? runPending(spec, pending, ledger) : runHalving(spec, trials.get(0).config().epochs(), pending, ledger));
        done.sort(Comparator.comparingInt(o -> o.trial().trialIndex()));
        return new Outcome(sweepId, experimentId, parentRunId, done, skipped);
    }

    /** The trial's settings, with the sweep's default checkpoint folder when the sweep file sets none; a planned trial writes none. */
    private Map<String, String> withCheckpoints(TrialConfig config) {
        Map<String, String> params = config.toParams();
        if (options.checkpointRoot() == null || config.plan().enabled() || !params.getOrDefault("checkpoint.dir", "").isBlank()) {
            return params;
        }
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("checkpoint.dir", options.checkpointRoot());
        return p;
    }

    private static void clearCheckpoints(Map<String, String> params, String trialId) {
        String dir = params.getOrDefault("checkpoint.dir", "");
        if (!dir.isBlank()) {
            try (Checkpoints c = Checkpoints.open(dir, trialId, new Configuration())) {
                c.clear();
            }
        }
    }

    private List<TrialOutcome> runPending(SweepSpec spec, List<TrialTask> pending, TrialLedger ledger) {
        List<TrialOutcome> outcomes = new ArrayList<>();
        if (pending.isEmpty()) {
            return outcomes;
        }
        SweepProgress progress = new SweepProgress(pending.size(), Math.max(1, options.concurrentTrials()), out);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.concurrentTrials()));
        try {
            List<Future<TrialOutcome>> futures = new ArrayList<>();
            for (TrialTask task : pending) {
                futures.add(pool.submit(() -> {
                    progress.started();
                    long t0 = System.nanoTime();
                    TrialOutcome o;
                    try {
                        o = launcher.launch(task, "sweep " + spec.name() + " · trial " + task.trialIndex() + " · " + task.runName());
                    } catch (Exception e) { // Spark's job failures are checked SparkExceptions, thrown undeclared
                        o = failedOutcome(task, e);
                    }
                    progress.finished(task, o, (System.nanoTime() - t0) / 1e9);
                    // a trial paused at a rung has not ended: a forced re-run is settled at its end
                    return paused(task, o) ? o : ledger.settle(task, o, out);
                }));
            }
            for (Future<TrialOutcome> f : futures) {
                outcomes.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("sweep driver failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }

    private static boolean paused(TrialTask task, TrialOutcome o) {
        return task.untilEpoch() > 0 && TrialStatus.STOPPED.name().equals(o.trial().status());
    }

    /**
     * Successive halving ({@link EarlyStopping}): the pending trials train to each rung in turn; after
     * a rung the best of each group go on from their checkpoints, the rest end STOPPED (run KILLED,
     * tag {@code layerpipe.status=STOPPED} and the rung). Trials done in MLflow before are not ranked.
     */
    private List<TrialOutcome> runHalving(SweepSpec spec, int epochs, List<TrialTask> pending, TrialLedger ledger) {
        EarlyStopping rule = spec.earlyStopping();
        List<Integer> rungs = rule.rungs(epochs);
        out.printf(Locale.ROOT, "successive halving by %s (%s) over rungs %s, keeping 1/%d per group of %s%n", rule.metric(),
                rule.maximise() ? "max" : "min", rungs, rule.reduction(), rule.groupBy().isEmpty() ? "all trials" : rule.groupBy());
        List<TrialOutcome> results = new ArrayList<>();
        List<TrialTask> alive = pending;
        Map<Integer, Integer> stoppedAt = new TreeMap<>();
        for (int i = 0; i < rungs.size() && !alive.isEmpty(); i++) {
            int rung = rungs.get(i);
            boolean last = i == rungs.size() - 1;
            out.printf(Locale.ROOT, "rung %d of %d: %d trial(s) to epoch %d%n", i + 1, rungs.size(), alive.size(), rung);
            List<TrialTask> tasks = alive.stream().map(t -> t.until(last ? 0 : rung)).toList();
            List<TrialOutcome> outcomes = runPending(spec, tasks, ledger);
            if (last) {
                results.addAll(outcomes);
                break;
            }
            Map<List<String>, List<Integer>> groups = new LinkedHashMap<>();
            for (int k = 0; k < outcomes.size(); k++) {
                if (paused(tasks.get(k), outcomes.get(k))) {
                    TrialTask t = tasks.get(k);
                    List<String> key = rule.groupBy().stream().map(g -> t.params().getOrDefault(g, "")).toList();
                    groups.computeIfAbsent(key, g -> new ArrayList<>()).add(k);
                } else {
                    results.add(outcomes.get(k)); // diverged or failed on the way: ended, not ranked
                }
            }
            List<TrialTask> next = new ArrayList<>();
            for (List<Integer> members : groups.values()) {
                List<Integer> ranked = new ArrayList<>(members);
                ranked.sort(Comparator.comparingDouble((Integer k) -> score(outcomes.get(k), rung, rule))
                        .thenComparingInt(k -> tasks.get(k).trialIndex()));
                int keep = rule.kept(ranked.size());
                for (int place = 0; place < ranked.size(); place++) {
                    int k = ranked.get(place);
                    if (place < keep) {
                        next.add(alive.get(k));
                    } else {
                        results.add(stop(tasks.get(k), outcomes.get(k), rung, place + 1, ranked.size(), rule));
                        stoppedAt.merge(rung, 1, Integer::sum);
                    }
                }
            }
            next.sort(Comparator.comparingInt(TrialTask::trialIndex));
            alive = next;
        }
        long trained = results.stream().mapToLong(o -> o.epochs().size()).sum();
        long full = (long) pending.size() * epochs;
        out.printf(Locale.ROOT, "successive halving: %d of %d trial(s) stopped %s; %d of the full grid's %d epochs trained (%.0f %%)%n",
                stoppedAt.values().stream().mapToInt(Integer::intValue).sum(), pending.size(),
                stoppedAt.isEmpty() ? "" : stoppedAt.entrySet().stream().map(e -> e.getValue() + " after epoch " + e.getKey())
                        .collect(java.util.stream.Collectors.joining(", ", "(", ")")),
                trained, full, full == 0 ? 0.0 : 100.0 * trained / full);
        return results;
    }

    /** A paused trial's standing at {@code rung}, smaller is better; a missing or non-finite value ranks last. */
    private static double score(TrialOutcome o, int rung, EarlyStopping rule) {
        double v = o.epochs().stream().filter(e -> e.epoch() == rung).mapToDouble(e -> switch (rule.metric()) {
            case "test_accuracy" -> e.testAccuracy();
            case "test_loss" -> e.testLoss();
            case "train_accuracy" -> e.trainAccuracy();
            default -> e.trainLoss();
        }).findFirst().orElse(Double.NaN);
        if (!Double.isFinite(v)) {
            return Double.POSITIVE_INFINITY;
        }
        return rule.maximise() ? -v : v;
    }

    /** Ends a paused trial that ranked too low: its run KILLED with the STOPPED tag and the rung, never FAILED. */
    private TrialOutcome stop(TrialTask task, TrialOutcome paused, int rung, int place, int of, EarlyStopping rule) {
        String reason = String.format(Locale.ROOT, "stopped by successive halving after epoch %d: %s ranked %d of %d in its group",
                rung, rule.metric(), place, of);
        try {
            tracker.setTags(task.runId(), Map.of(RunNaming.TAG_STATE, "done", RunNaming.TAG_STATUS, TrialStatus.STOPPED.name(),
                    RunNaming.TAG_RUNG, String.valueOf(rung), RunNaming.TAG_NOTE, "**stopped**: " + reason));
            tracker.finishRun(task.runId(), RunStatus.KILLED);
        } catch (RuntimeException trackingDown) {
            out.println("warning: could not mark run " + task.runId() + " STOPPED: " + trackingDown.getMessage());
        }
        return new TrialOutcome(paused.trial().withStatus(TrialStatus.STOPPED.name(), reason), paused.epochs());
    }

    /** A task that failed outside the trainer (lost executor, out of memory): the run is marked FAILED with the reason. */
    private TrialOutcome failedOutcome(TrialTask task, Exception e) {
        String reason = "the Spark task failed: " + firstLine(e);
        try {
            tracker.setTags(task.runId(), Map.of(RunNaming.TAG_STATE, "done", RunNaming.TAG_STATUS, "FAILED",
                    RunNaming.TAG_FAILURE, reason, RunNaming.TAG_NOTE, "**failed**: " + reason));
            tracker.finishRun(task.runId(), RunStatus.FAILED);
        } catch (RuntimeException trackingDown) {
            out.println("warning: could not mark run " + task.runId() + " FAILED: " + trackingDown.getMessage());
        }
        TrialConfig config = TrialConfig.fromParams(task.params());
        TrialResult result = new TrialResult(TrialStatus.FAILED, reason, List.of(), config.partition().toString(),
                new org.layerpipe.core.train.Provenance(config.configHash(), config.seed(), config.toParams(), Map.of()));
        ResultRows.Context ctx = new ResultRows.Context(task.sweepName(), task.sweepId(), task.trialIndex(), task.runId(), task.runName());
        return new TrialOutcome(ResultRows.trial(ctx, config, result), List.of());
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private String parentRun(SweepSpec spec, String experimentId, String sweepId, int trials, Map<String, String> source) {
        for (RunInfo r : tracker.searchRuns(experimentId, "tags.`" + RunNaming.TAG_SWEEP_ID + "` = '" + sweepId + "'")) {
            if ("sweep".equals(r.tags().get(RunNaming.TAG_ROLE))) {
                return r.runId();
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_ROLE, "sweep");
        tags.put(RunNaming.TAG_SWEEP_ID, sweepId);
        tags.put(RunNaming.TAG_SWEEP_NAME, spec.name());
        tags.putAll(source);
        String id = tracker.createRun(experimentId, spec.name(), tags, null);
        // The base settings, so the parent's row in the runs table says what all trials share.
        Map<String, String> params = new LinkedHashMap<>(spec.base());
        params.put("sweep", spec.name());
        params.put("trials", String.valueOf(trials));
        tracker.logParams(id, params);
        tracker.logArtifact(id, "sweep.yaml", spec.sourceText().getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** Creates a trial's child run with its tags and every setting as a param. */
    static String createTrialRun(Tracker tracker, String experimentId, String parentRunId, String sweepName, String sweepId,
                                 int index, String trialId, String runName, Map<String, String> params, Map<String, String> varied,
                                 Map<String, String> source, List<String> replaces) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunNaming.TAG_ROLE, "trial");
        tags.put(RunNaming.TAG_SWEEP_ID, sweepId);
        tags.put(RunNaming.TAG_SWEEP_NAME, sweepName);
        tags.put(RunNaming.TAG_TRIAL_ID, trialId);
        tags.put(RunNaming.TAG_CONFIG_HASH, trialId);
        tags.put(RunNaming.TAG_TRIAL_INDEX, String.valueOf(index));
        tags.put(RunNaming.TAG_STATE, "queued");
        if (!replaces.isEmpty()) {
            tags.put(TrialLedger.TAG_REPLACES, String.join(",", replaces));
        }
        varied.forEach((k, v) -> tags.put("axis." + k, v));
        tags.putAll(source);
        String runId = tracker.createRun(experimentId, runName, tags, parentRunId);
        tracker.logParams(runId, params);
        return runId;
    }

}
