package org.layerpipe.jobs.run;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.train.EpochMetrics;
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
    /** When the Spark task began the trial (epoch ms); the run's own start time is when the driver queued it. */
    public static final String TAG_TASK_START = "layerpipe.task_start_ms";
    public static final String TAG_HOST = "layerpipe.host";
    public static final String TAG_DEVICE = "layerpipe.device";
    public static final String TAG_GPUS = "layerpipe.gpus";
    public static final String TAG_PARTITION = "layerpipe.partition_resolved";
    public static final String TAG_STATUS = "layerpipe.status";
    public static final String TAG_FAILURE = "layerpipe.failure";
    public static final String TAG_NOTE = "mlflow.note.content";

    /** Per-epoch metric keys, in table order. */
    public static final List<String> EPOCH_METRICS = List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy",
            "samples_per_second", "wall_seconds", "pipeline_efficiency", "history_bytes", "activation_bytes",
            "reconstruction_error", "reconstruction_error_max", "learning_rate");

    public static final String STAGE_BUSY = "stage_busy_";
    public static final String STAGE_RECONSTRUCTION = "stage_reconstruction_error_";

    private RunNaming() {
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
        return out;
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
