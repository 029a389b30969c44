package org.layerpipe.jobs.run;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an executor needs to run one trial: small and serializable, built on the driver.
 * Device objects and the MLflow client are created inside the task.
 *
 * @param sweepName     the sweep's name
 * @param sweepId       stable id of the sweep (see {@link SweepDriver})
 * @param trialIndex    position in the expanded grid
 * @param trialId       the config hash
 * @param params        every trial setting as text
 * @param runName       MLflow run name, saying what differs
 * @param runId         the MLflow run prepared for this trial by the driver
 * @param experimentId  MLflow experiment
 * @param parentRunId   the sweep's parent run
 * @param trackingUri   MLflow tracking server
 * @param journalDir    local folder for the tracking journals on the executor (one subfolder per trial)
 * @param trackingRetry how long one MLflow call is retried before it goes to the journal
 * @param journalWait   how long the task waits at its end for the server to take journaled calls, and a retry
 *                      at its start for the server to answer ({@link TrialLedger#claim})
 * @param varied        the axis values of this trial (tags)
 * @param sourceTags    MLflow's source tags of the sweep (type, name, user, commit), for a run the task re-creates
 * @param replaces      the trial's earlier results that this forced re-run replaces once it has finished ({@link TrialLedger})
 * @param untilEpoch    train only through this epoch and pause there (a successive-halving rung); 0 = to the end
 */
public record TrialTask(String sweepName, String sweepId, int trialIndex, String trialId, Map<String, String> params,
                        String runName, String runId, String experimentId, String parentRunId, String trackingUri,
                        String journalDir, Duration trackingRetry, Duration journalWait, Map<String, String> varied,
                        Map<String, String> sourceTags, List<String> replaces, int untilEpoch)
        implements Serializable {

    public TrialTask {
        params = new LinkedHashMap<>(params);
        varied = new LinkedHashMap<>(varied);
        sourceTags = new LinkedHashMap<>(sourceTags);
        replaces = List.copyOf(replaces);
        if (untilEpoch < 0) {
            throw new IllegalArgumentException("untilEpoch must be 0 (train to the end) or an epoch, got " + untilEpoch);
        }
    }

    /** A task that trains to the end. */
    public TrialTask(String sweepName, String sweepId, int trialIndex, String trialId, Map<String, String> params,
                     String runName, String runId, String experimentId, String parentRunId, String trackingUri,
                     String journalDir, Duration trackingRetry, Duration journalWait, Map<String, String> varied,
                     Map<String, String> sourceTags, List<String> replaces) {
        this(sweepName, sweepId, trialIndex, trialId, params, runName, runId, experimentId, parentRunId, trackingUri, journalDir,
                trackingRetry, journalWait, varied, sourceTags, replaces, 0);
    }

    /** The same task, training through {@code epoch} (0 = to the end). */
    public TrialTask until(int epoch) {
        return new TrialTask(sweepName, sweepId, trialIndex, trialId, params, runName, runId, experimentId, parentRunId, trackingUri,
                journalDir, trackingRetry, journalWait, varied, sourceTags, replaces, epoch);
    }
}
