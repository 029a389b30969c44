package org.layerpipe.jobs.tracking;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A {@link Tracker} that loses no measurement while the tracking server is down.
 *
 * <p>When a logging call (metrics, params, tags, artifact, finish) fails with {@link
 * TrackingUnavailableException}, the call is appended to a local journal (one fsync'd
 * JSON-lines file per run, see {@link Journal}) and returns normally. While the server is
 * known to be down, later logging calls go straight to the journal without waiting for the
 * server, and so does every call for a run that still has journaled calls (keeping each run's
 * calls in order). Before each call, at most once per probe interval, the tracker asks whether
 * the server answers again ({@link Tracker#ping()}) and, if so, replays the journal
 * in order ({@link #flush()}). Replaying is idempotent: identical metric values are stored
 * once, a param logged again with its value is a no-op, tags and artifacts are overwritten.
 *
 * <p>The journal survives a crash: a new JournalingTracker over the same directory replays
 * what is left. Calls the server rejects on replay (for instance a param conflict) are kept in
 * {@code rejected/} with the reason, and so are logging calls the server refuses when first made
 * (they still throw, so the caller decides whether a refusal matters). Calls that must return an
 * answer ({@link #experimentId}, {@link #createRun}, reads) go to the server and fail as usual
 * when it is down.
 */
public final class JournalingTracker implements Tracker {

    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(JournalingTracker.class.getName());

    private final Tracker delegate;
    private final Journal journal;
    private final BooleanSupplier serverAnswers;
    private final Duration probeInterval;
    private final Duration closeWait;
    private boolean serverDown;
    private boolean closed;
    private long nextProbe = System.nanoTime();

    /** Journals into {@code journalDir}; probes the server with the delegate's {@link Tracker#ping()}. */
    public JournalingTracker(Tracker delegate, Path journalDir) {
        this(delegate, journalDir, probeFor(delegate), DEFAULT_PROBE_INTERVAL, DEFAULT_CLOSE_WAIT);
    }

    /**
     * @param serverAnswers cheap check (no retries) that the server answers, asked before replaying
     * @param probeInterval least time between two such checks while calls are journaled
     * @param closeWait     how long {@link #close()} keeps trying to replay the journal
     */
    public JournalingTracker(Tracker delegate, Path journalDir, BooleanSupplier serverAnswers, Duration probeInterval, Duration closeWait) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.serverAnswers = Objects.requireNonNull(serverAnswers, "serverAnswers");
        if (probeInterval == null || probeInterval.isNegative() || closeWait == null || closeWait.isNegative()) {
            throw new IllegalArgumentException("probeInterval and closeWait must be zero or positive, got " + probeInterval + " and " + closeWait);
        }
        this.probeInterval = probeInterval;
        this.closeWait = closeWait;
        this.journal = new Journal(Objects.requireNonNull(journalDir, "journalDir"));
        if (!journal.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, () -> journal.size() + " tracking calls of an earlier process are journaled in " + journal.dir()
                    + "; they are replayed once the tracking server answers");
        }
    }

    private static BooleanSupplier probeFor(Tracker delegate) {
        return delegate::ping;
    }

    /** Number of calls waiting in the journal. */
    public synchronized int pending() {
        return journal.size();
    }

    /**
     * Replays the journal now if the server answers; returns the number of calls still journaled
     * (0 when everything reached the server).
     */
    public synchronized int flush() {
        if (journal.isEmpty()) {
            serverDown = false;
            return 0;
        }
        if (!serverAnswers.getAsBoolean()) {
            markDown();
            return journal.size();
        }
        serverDown = false;
        int replayed = 0;
        for (String runId : journal.runs()) {
            List<Journal.Entry> entries = journal.entries(runId);
            for (int i = 0; i < entries.size(); i++) {
                Journal.Entry e = entries.get(i);
                try {
                    Journal.replay(e, delegate);
                    replayed++;
                } catch (TrackingUnavailableException down) {
                    journal.keepOnly(runId, entries.subList(i, entries.size()));
                    markDown();
                    int done = replayed;
                    LOG.log(System.Logger.Level.WARNING, () -> "tracking server went away again after " + done + " replayed calls; "
                            + journal.size() + " remain journaled in " + journal.dir());
                    return journal.size();
                } catch (RuntimeException refused) {
                    if (Thread.currentThread().isInterrupted()) {
                        // Interrupted, not refused: keep the call for a later replay.
                        journal.keepOnly(runId, entries.subList(i, entries.size()));
                        return journal.size();
                    }
                    journal.reject(e, String.valueOf(refused.getMessage()));
                    LOG.log(System.Logger.Level.WARNING, () -> "journaled " + e.op() + " call for run " + runId + " was refused on replay and kept in "
                            + journal.dir().resolve("rejected") + ": " + refused.getMessage());
                }
            }
            journal.done(runId);
        }
        int total = replayed;
        LOG.log(System.Logger.Level.INFO, () -> "replayed " + total + " journaled tracking calls from " + journal.dir());
        return 0;
    }

    @Override
    public void logMetrics(String runId, List<Metric> metrics) {
        List<Metric> copy = List.copyOf(metrics);
        log(runId, () -> Journal.metrics(runId, copy), () -> delegate.logMetrics(runId, copy));
    }

    @Override
    public void logInputs(String runId, List<DatasetInput> inputs) {
        List<DatasetInput> copy = List.copyOf(inputs);
        log(runId, () -> Journal.inputs(runId, copy), () -> delegate.logInputs(runId, copy));
    }

    @Override
    public void logParams(String runId, Map<String, String> params) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        log(runId, () -> Journal.params(runId, copy), () -> delegate.logParams(runId, copy));
    }

    @Override
    public void setTags(String runId, Map<String, String> tags) {
        Map<String, String> copy = new LinkedHashMap<>(tags);
        log(runId, () -> Journal.tags(runId, copy), () -> delegate.setTags(runId, copy));
    }

    @Override
    public void logArtifact(String runId, String path, byte[] content) {
        byte[] copy = content.clone();
        log(runId, () -> Journal.artifact(runId, path, copy), () -> delegate.logArtifact(runId, path, copy));
    }

    @Override
    public void finishRun(String runId, RunStatus status) {
        RunStatus.requireTerminal(status);
        long endTime = System.currentTimeMillis();
        log(runId, () -> Journal.finish(runId, status, endTime), () -> {
            delegate.finishRun(runId, status, endTime);
        });
    }

    private synchronized void log(String runId, Supplier<Journal.Entry> entry, Runnable call) {
        Objects.requireNonNull(runId, "run id");
        if (closed) {
            throw new IllegalStateException("JournalingTracker over " + journal.dir() + " is closed");
        }
        maybeFlush();
        if (serverDown || journal.hasPending(runId)) {
            journal.append(entry.get());
            return;
        }
        try {
            call.run();
        } catch (TrackingUnavailableException e) {
            journal.append(entry.get());
            markDown();
            LOG.log(System.Logger.Level.WARNING, () -> e.getMessage() + "; journaling tracking calls in " + journal.dir()
                    + " until it answers again");
        } catch (TrackingException refused) {
            // Kept for a person to look at, as on replay; nothing a retry would fix.
            journal.reject(entry.get(), String.valueOf(refused.getMessage()));
            throw refused;
        }
    }

    /** Replays the journal before a call, at most once per probe interval. */
    private synchronized void maybeFlush() {
        if ((journal.isEmpty() && !serverDown) || System.nanoTime() - nextProbe < 0) {
            return;
        }
        flush();
    }

    private void markDown() {
        serverDown = true;
        nextProbe = System.nanoTime() + probeInterval.toNanos();
    }

    @Override
    public String experimentId(String name) {
        maybeFlush();
        return delegate.experimentId(name);
    }

    @Override
    public Optional<String> findExperiment(String name) {
        maybeFlush();
        return delegate.findExperiment(name);
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        maybeFlush();
        delegate.setExperimentTag(experimentId, key, value);
    }

    @Override
    public String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId) {
        maybeFlush();
        return delegate.createRun(experimentId, runName, tags, parentRunId);
    }

    @Override
    public List<RunInfo> searchRuns(String experimentId, String filter) {
        maybeFlush();
        return delegate.searchRuns(experimentId, filter);
    }

    @Override
    public void deleteRun(String runId) {
        maybeFlush();
        delegate.deleteRun(runId);
    }

    @Override
    public Optional<RunInfo> getRun(String runId) {
        maybeFlush();
        return delegate.getRun(runId);
    }

    @Override
    public synchronized List<Metric> metricHistory(String runId, String key) {
        maybeFlush();
        List<Metric> history = new ArrayList<>(delegate.metricHistory(runId, key));
        // values still journaled (logged while the server was down, by this process or one that died) belong to
        // the run too: a resumed trial asks which epochs its run holds, and must not log them again
        if (journal.hasPending(runId)) {
            for (Journal.Entry e : journal.entries(runId)) {
                if (e.op().equals("metrics")) {
                    e.json().path("metrics").forEach(m -> {
                        Metric metric = MlflowJson.metric(m);
                        if (metric.key().equals(key)) {
                            history.add(metric);
                        }
                    });
                }
            }
        }
        return history;
    }

    /**
     * Replays what is journaled, trying for up to the close wait, then closes the delegate. Calls
     * still journaled stay on disk for the next JournalingTracker over the directory.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            long deadline = System.nanoTime() + closeWait.toNanos();
            while (flush() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(System.Logger.Level.WARNING, () -> journal.size() + " tracking calls remain journaled in " + journal.dir()
                            + ": the tracking server did not answer within " + MlflowHttp.seconds(closeWait)
                            + "; a JournalingTracker over that directory replays them");
                    break;
                }
                try {
                    wait(Math.max(1, Math.min(left, Math.max(probeInterval.toNanos(), 1_000_000)) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            journal.close();
            delegate.close();
        }
    }
}
