package org.layerpipe.jobs.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link InMemoryTracker} whose "server" can be switched off: every call then fails as unreachable. */
public final class SwitchableTracker implements Tracker {

    public final InMemoryTracker store;
    public volatile boolean down;
    final AtomicInteger calls = new AtomicInteger();

    public SwitchableTracker(InMemoryTracker store, boolean down) {
        this.store = store;
        this.down = down;
    }

    private void check() {
        calls.incrementAndGet();
        if (down) {
            throw new TrackingUnavailableException("MLflow tracking server at http://127.0.0.1:1 is unreachable after 1 attempt over 0.0 s:"
                    + " connection refused", null);
        }
    }

    @Override
    public String experimentId(String name) {
        check();
        return store.experimentId(name);
    }

    @Override
    public Optional<String> findExperiment(String name) {
        check();
        return store.findExperiment(name);
    }

    @Override
    public String createRun(String experimentId, String runName, Map<String, String> tags, String parentRunId) {
        check();
        return store.createRun(experimentId, runName, tags, parentRunId);
    }

    @Override
    public void deleteRun(String runId) {
        check();
        store.deleteRun(runId);
    }

    @Override
    public void logParams(String runId, Map<String, String> params) {
        check();
        store.logParams(runId, params);
    }

    @Override
    public void logMetrics(String runId, List<Metric> metrics) {
        check();
        long kill = killAtEpoch;
        if (kill > 0 && metrics.stream().anyMatch(m -> m.step() == kill && !m.key().startsWith("system/"))) {
            killAtEpoch = 0;
            throw new Killed("the executor died while logging epoch " + kill);
        }
        store.logMetrics(runId, metrics);
    }

    /** Arms a simulated kill: the next logging of this epoch's metrics throws {@link Killed} instead (0 = none). */
    public volatile long killAtEpoch;

    /** A process that dies: an Error, so that nothing on the way treats it as a trial's failure. */
    public static final class Killed extends Error {
        public Killed(String message) {
            super(message);
        }
    }

    @Override
    public void setTags(String runId, Map<String, String> tags) {
        check();
        store.setTags(runId, tags);
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        check();
        store.setExperimentTag(experimentId, key, value);
    }

    @Override
    public void logInputs(String runId, List<DatasetInput> inputs) {
        check();
        store.logInputs(runId, inputs);
    }

    @Override
    public void logArtifact(String runId, String path, byte[] content) {
        check();
        store.logArtifact(runId, path, content);
    }

    @Override
    public void finishRun(String runId, RunStatus status) {
        check();
        store.finishRun(runId, status);
    }

    @Override
    public List<RunInfo> searchRuns(String experimentId, String filter) {
        check();
        return store.searchRuns(experimentId, filter);
    }

    @Override
    public Optional<RunInfo> getRun(String runId) {
        check();
        return store.getRun(runId);
    }

    @Override
    public List<Metric> metricHistory(String runId, String key) {
        check();
        return store.metricHistory(runId, key);
    }

    @Override
    public void close() {}
}
