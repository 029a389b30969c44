package org.layerpipe.jobs.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.layerpipe.core.train.DataSummary;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.jobs.results.PlanFigures;
import org.layerpipe.jobs.tracking.DatasetInput;
import org.layerpipe.jobs.tracking.Metric;

/**
 * The names this project uses in MLflow: tag keys, metric keys per epoch (step = epoch), and
 * the reverse mapping used to rebuild result rows from a run. One place, so logging, resume
 * and export agree.
 */
public final class RunNaming {

    public static final String TAG_SWEEP_ID = "layerpipe.sweep_id";
    public static final String TAG_SWEEP_NAME = "layerpipe.sweep_name";
    public static final String TAG_TRIAL_ID = "layerpipe.trial_id";
    public static final String TAG_TRIAL_INDEX = "layerpipe.trial_index";
    public static final String TAG_CONFIG_HASH = "layerpipe.config_hash";
    public static final String TAG_ROLE = "layerpipe.role";
    public static final String TAG_STATE = "layerpipe.state";
    public static final String TAG_ATTEMPT = "layerpipe.spark_attempt";
    /** The successive-halving rung (an epoch) a trial paused or was stopped at. */
    public static final String TAG_RUNG = "layerpipe.rung";
    /** The epoch of the checkpoint a trial resumed from, when it did. */
    public static final String TAG_RESUMED_FROM = "layerpipe.resumed_from_epoch";
    /** When the Spark task began the trial (epoch ms); the run's own start time is when the driver queued it. */
    public static final String TAG_TASK_START = "layerpipe.task_start_ms";
    public static final String TAG_HOST = "layerpipe.host";
    public static final String TAG_DEVICE = "layerpipe.device";
    public static final String TAG_GPUS = "layerpipe.gpus";
    public static final String TAG_PARTITION = "layerpipe.partition_resolved";
    public static final String TAG_STATUS = "layerpipe.status";
    public static final String TAG_FAILURE = "layerpipe.failure";
    public static final String TAG_NOTE = "mlflow.note.content";
    /** The schedule's nominal delay of each stage, first stage first, e.g. {@code [2,0]} (the delays.txt table per block). */
    public static final String TAG_STAGE_DELAYS = "layerpipe.stage_delays";

    /** MLflow's source tags (the UI's Source and User columns). */
    public static final String TAG_SOURCE_TYPE = "mlflow.source.type";
    public static final String TAG_SOURCE_NAME = "mlflow.source.name";
    public static final String TAG_SOURCE_COMMIT = "mlflow.source.git.commit";
    public static final String TAG_USER = "mlflow.user";
    /** MLflow 3's experiment tag choosing the UI's view: a training experiment, not a GenAI one. */
    public static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";
    public static final String EXPERIMENT_KIND = "custom_model_development";

    /** Per-epoch metric keys, in table order. */
    public static final List<String> EPOCH_METRICS = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy",
            "samples_per_second", "wall_seconds", "pipeline_efficiency", "history_bytes", "activation_bytes",
            "reconstruction_error", "reconstruction_error_max", "learning_rate");

    public static final String STAGE_BUSY = "stage_busy_";
    public static final String STAGE_RECONSTRUCTION = "stage_reconstruction_error_";
    /** Per block of the model (block index after the prefix): the EMA's reconstruction error of that block's weights. */
    public static final String BLOCK_RECONSTRUCTION = "block_reconstruction_error_";
    /** Per stage, per epoch: the largest staleness measured from the version counters ({@code staleness.max.stage0}). */
    public static final String STALENESS_MAX = "staleness.max.stage";
    /** Per stage, per epoch: the mean measured staleness, pipeline fill included ({@code staleness.mean.stage0}). */
    public static final String STALENESS_MEAN = "staleness.mean.stage";

    /** {@code true} on the run of a planned trial ({@code plan: true}): simulated, not trained; its status tag is PLANNED. */
    public static final String TAG_PLANNED = "layerpipe.planned";

    /**
     * A planned trial's scalar metrics (step 0), in {@link PlanFigures}' order: steady-state seconds per
     * minibatch, samples/s, bubble, the simulated run's makespan, events on its critical path, devices,
     * the largest device's peak activations, all stages' weight bytes and STASH, EMA and LATEST history bytes.
     */
    public static final List<String> PLAN_METRICS = List.of("predicted_seconds_per_minibatch", "predicted_samples_per_second",
            "predicted_bubble", "predicted_makespan_seconds", "predicted_critical_path_events", "predicted_devices",
            "predicted_peak_activation_bytes", "predicted_weight_bytes", "predicted_history_bytes_stash",
            "predicted_history_bytes_ema", "predicted_history_bytes_latest");
    /** Per device of a planned trial ({@code predicted_activation_bytes.device0}): peak activation bytes. */
    public static final String PREDICTED_ACTIVATION = "predicted_activation_bytes.device";
    /** Per device: share of the simulated run it computed. */
    public static final String PREDICTED_BUSY = "predicted_busy.device";
    /** Per stage ({@code predicted_staleness.stage0}): the schedule's delay. */
    public static final String PREDICTED_STALENESS = "predicted_staleness.stage";
    /** Per stage: bytes of its current weights. */
    public static final String PREDICTED_WEIGHTS = "predicted_weight_bytes.stage";
    /** Per stage: peak STASH history bytes. */
    public static final String PREDICTED_STASH = "predicted_history_bytes_stash.stage";
    /** Per stage: peak EMA history bytes. */
    public static final String PREDICTED_EMA = "predicted_history_bytes_ema.stage";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunNaming() {
    }

    /**
     * The source tags of a sweep's runs: a JOB named after the sweep file, the user who submitted
     * it and the commit the jar was built from (when known).
     */
    public static Map<String, String> sourceTags(String sweepFile, String user, String gitCommit) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_SOURCE_TYPE, "JOB");
        tags.put(TAG_SOURCE_NAME, "layerpipe sweep " + sweepFile);
        tags.put(TAG_USER, user == null || user.isBlank() ? "unknown" : user);
        if (gitCommit != null && gitCommit.matches("[0-9a-f]{7,40}")) {
            tags.put(TAG_SOURCE_COMMIT, gitCommit);
        }
        return tags;
    }

    /**
     * A data set as an MLflow dataset input: named {@code <data set>-<split>}, with the digest of
     * its examples, where it was read, its row count (profile) and context {@code training} or
     * {@code test}.
     */
    public static DatasetInput datasetInput(DataSummary data) {
        String location = data.location();
        String scheme = location.contains(":") ? location.substring(0, location.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        String type = switch (scheme) {
            case "", "file" -> "generated".equals(location) ? "code" : "local";
            case "s3a", "s3", "s3n" -> "s3";
            default -> scheme;
        };
        ObjectNode source = JSON.createObjectNode().put("uri", location);
        ObjectNode profile = JSON.createObjectNode().put("num_rows", data.rows()).put("num_classes", data.classes())
                .put("example_shape", data.shape());
        return new DatasetInput(data.name() + "-" + data.split(), data.digest(), type, source.toString(), profile.toString(),
                "train".equals(data.split()) ? "training" : data.split());
    }

    /** An epoch's metrics, step = epoch; NaN values (not measured) are left out. */
    public static List<Metric> metrics(EpochMetrics m, long timestamp) {
        List<Metric> out = new ArrayList<>();
        double[] values = values(m);
        for (int i = 0; i < values.length; i++) {
            add(out, EPOCH_METRICS.get(i), values[i], timestamp, m.epoch());
        }
        for (int s = 0; s < m.stageBusy().length; s++) {
            add(out, STAGE_BUSY + s, m.stageBusy()[s], timestamp, m.epoch());
            add(out, STAGE_RECONSTRUCTION + s, m.stageReconstructionError()[s], timestamp, m.epoch());
        }
        for (int s = 0; s < m.stageStalenessMax().length; s++) {
            add(out, STALENESS_MAX + s, m.stageStalenessMax()[s], timestamp, m.epoch());
            add(out, STALENESS_MEAN + s, m.stageStalenessMean()[s], timestamp, m.epoch());
        }
        for (int b = 0; b < m.blockReconstructionError().length; b++) {
            add(out, BLOCK_RECONSTRUCTION + b, m.blockReconstructionError()[b], timestamp, m.epoch());
        }
        return out;
    }

    /** A planned trial's figures as metrics, step 0 (see {@link #PLAN_METRICS} and the per-device and per-stage keys). */
    public static List<Metric> metrics(PlanFigures f, long timestamp) {
        List<Metric> out = new ArrayList<>();
        double[] scalars = {f.secondsPerMinibatch(), f.samplesPerSecond(), f.bubble(), f.makespanSeconds(), f.criticalPathEvents(),
                f.devices(), f.peakActivationBytes(), f.weightBytes(), f.historyBytesStash(), f.historyBytesEma(), 0};
        for (int i = 0; i < scalars.length; i++) {
            add(out, PLAN_METRICS.get(i), scalars[i], timestamp, 0);
        }
        addAll(out, PREDICTED_ACTIVATION, f.deviceActivationBytes(), timestamp);
        addAll(out, PREDICTED_BUSY, f.deviceBusy(), timestamp);
        addAll(out, PREDICTED_STALENESS, f.stageStaleness(), timestamp);
        addAll(out, PREDICTED_WEIGHTS, f.stageWeightBytes(), timestamp);
        addAll(out, PREDICTED_STASH, f.stageHistoryBytesStash(), timestamp);
        addAll(out, PREDICTED_EMA, f.stageHistoryBytesEma(), timestamp);
        return out;
    }

    /** A planned trial's figures read back from its run's metrics (the inverse of {@link #metrics(PlanFigures, long)}). */
    public static PlanFigures planFigures(Map<String, Double> latest) {
        return new PlanFigures((int) Math.round(latest.getOrDefault("predicted_devices", 0.0)),
                latest.getOrDefault("predicted_seconds_per_minibatch", Double.NaN),
                latest.getOrDefault("predicted_samples_per_second", Double.NaN), latest.getOrDefault("predicted_bubble", Double.NaN),
                latest.getOrDefault("predicted_makespan_seconds", Double.NaN),
                (int) Math.round(latest.getOrDefault("predicted_critical_path_events", 0.0)),
                array(latest, PREDICTED_ACTIVATION), array(latest, PREDICTED_BUSY), array(latest, PREDICTED_STALENESS),
                array(latest, PREDICTED_WEIGHTS), array(latest, PREDICTED_STASH), array(latest, PREDICTED_EMA));
    }

    private static void addAll(List<Metric> out, String prefix, double[] values, long timestamp) {
        for (int i = 0; i < values.length; i++) {
            add(out, prefix + i, values[i], timestamp, 0);
        }
    }

    /** {@code prefix0}, {@code prefix1}, … as long as the run has them. */
    private static double[] array(Map<String, Double> latest, String prefix) {
        List<Double> values = new ArrayList<>();
        while (latest.containsKey(prefix + values.size())) {
            values.add(latest.get(prefix + values.size()));
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Whether {@code key} is one of the per-epoch metrics (step = epoch) that {@link #metrics}
     * logs, rather than e.g. a system metric ({@code system/...}, step = sample number).
     */
    public static boolean isEpochMetric(String key) {
        return EPOCH_METRICS.contains(key) || key.startsWith(STAGE_BUSY) || key.startsWith(STAGE_RECONSTRUCTION)
                || key.startsWith(BLOCK_RECONSTRUCTION) || key.startsWith(STALENESS_MAX) || key.startsWith(STALENESS_MEAN);
    }

    /** An epoch's values in {@link #EPOCH_METRICS} order. */
    static double[] values(EpochMetrics m) {
        return new double[] {m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.samplesPerSecond(),
                m.wallSeconds(), m.pipelineEfficiency(), m.historyBytes(), m.activationBytes(), m.reconstructionError(),
                m.reconstructionErrorMax(), m.learningRate()};
    }

    private static void add(List<Metric> out, String key, double value, long timestamp, int epoch) {
        if (Double.isFinite(value)) {
            out.add(new Metric(key, value, timestamp, epoch));
        }
    }

}
