package org.layerpipe.core.train;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.hadoop.conf.Configuration;
import org.layerpipe.core.data.Batch;
import org.layerpipe.core.data.Batches;
import org.layerpipe.core.data.DataSets;
import org.layerpipe.core.data.Normalization;
import org.layerpipe.core.data.TrainTest;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.partition.DelayTable;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.partition.PartitionSpec;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.stage.DivergenceException;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.weights.ReconstructionStats;

/**
 * Trains one trial: loads the data, builds and partitions the model, runs every epoch's
 * schedule on the {@link ConcurrentExecutor} (one worker per stage) and evaluates after each
 * epoch. A diverging trial ends with {@link TrialStatus#DIVERGED}, a failing one with
 * {@link TrialStatus#FAILED} and its reason; neither throws.
 */
public final class PipelineTrainer {

    private final TrainingBackend backend;
    private final Configuration hadoop;
    private final Map<String, String> extraEnvironment;

    public PipelineTrainer(TrainingBackend backend) {
        this(backend, new Configuration(), Map.of());
    }

    /**
     * @param hadoop           Hadoop configuration for reading data (cluster file systems)
     * @param extraEnvironment provenance entries the caller knows (host role, Spark attempt, device ids)
     */
    public PipelineTrainer(TrainingBackend backend, Configuration hadoop, Map<String, String> extraEnvironment) {
        this.backend = backend;
        this.hadoop = hadoop;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /**
     * Trains {@code config}. With {@code checkpoint.dir} set it writes a checkpoint after every
     * {@code checkpoint.every}-th epoch and the last, and first looks for the trial's newest one: if there is
     * one it continues after that epoch (telling {@link TrainingListener#onResume}), exactly as the run that
     * wrote it would have gone on. A checkpoint that is corrupt, incomplete, another trial's or of other data
     * ends the trial as FAILED with one sentence naming it; it is never used.
     */
    public TrialResult train(TrialConfig config, TrainingListener listener) {
        Provenance provenance = provenance(config);
        List<EpochMetrics> epochs = new ArrayList<>();
        String partitionText = config.partition().toString();
        CheckpointConfig saving = config.checkpoint();
        String trialId = config.configHash();
        try (Checkpoints checkpoints = saving.enabled() ? Checkpoints.open(saving.dir(), trialId, hadoop) : null) {
            TrainTest data = DataSets.load(config.data(), hadoop);
            String location = DataSets.location(config.data());
            listener.onData(DataSummary.of(data.train(), "train", location), DataSummary.of(data.test(), "test", location));
            ModelSpec model = config.model().build(data.train().shape(), data.train().numClasses());
            Checkpoint resume = checkpoints == null ? null : checkpoints.latest().orElse(null);
            // digests of every example: computed once, for the checkpoints
            String[] digests = checkpoints == null ? null : new String[] {data.train().digest(), data.test().digest()};
            Partition partition;
            if (resume != null) {
                requireSameData(resume, digests, checkpoints.folder(resume.epoch()));
                // a balanced:M trial goes on with the split it profiled, not a new one
                partition = PartitionSpec.parse(resume.partition()).resolve(model.numBlocks(), null);
            } else {
                double[] costs = config.partition() instanceof PartitionSpec.Balanced
                        ? backend.profile(model, StageSpec.of(config)).perMinibatch(StageSpec.of(config).profileBatch()) : null;
                partition = config.partition().resolve(model.numBlocks(), costs);
            }
            partitionText = partition.toString();
            int[] delays = config.schedule().stageDelays(partition);
            listener.onStart(config, partitionText, DelayTable.render(partition, model.blockNames(), delays), provenance);

            Normalization norm = Normalization.fit(data.train());
            List<Batch> test = Batches.epoch(data.test(), norm, config.batchSize(), config.seed(), 0, false, false);
            int perEpoch = Batches.batchesPerEpoch(data.train().size(), config.batchSize());
            if (perEpoch == 0) {
                throw new IllegalArgumentException("batch_size " + config.batchSize() + " is larger than the "
                        + data.train().size() + " training examples");
            }
            long totalUpdates = (long) perEpoch * config.epochs();
            LearningRate lr = update -> config.optimizer().rateAt(update, totalUpdates, perEpoch);
            try (TrainingBackend.Run<?> run = backend.open(model, partition, delays, StageSpec.of(config))) {
                int first = 1;
                if (resume != null) {
                    String folder = checkpoints.folder(resume.epoch());
                    try {
                        run.restore(resume.stages());
                    } catch (IllegalArgumentException e) {
                        throw new CheckpointException("checkpoint " + folder + " does not fit trial " + trialId + ": " + e.getMessage(), e);
                    }
                    epochs.addAll(resume.epochs());
                    first = resume.epoch() + 1;
                    listener.onResume(resume.epoch(), folder, resume.epochs());
                }
                if (first > 1 && first <= config.epochs() && !listener.continueAfter(first - 1)) {
                    return paused(first - 1, config, epochs, partitionText, provenance);
                }
                for (int epoch = first; epoch <= config.epochs(); epoch++) {
                    // the order and augmentation of an epoch depend on (seed, epoch) only: a resumed trial sees the same
                    List<Batch> batches = Batches.epoch(data.train(), norm, config.batchSize(), config.seed(), epoch, true,
                            config.data().augment());
                    EpochMetrics m = runEpoch(run, config, partition, model.parameterCounts(), epoch, batches, test, lr, totalUpdates,
                            listener);
                    epochs.add(m);
                    boolean pause = epoch < config.epochs() && !listener.continueAfter(epoch);
                    if (pause && checkpoints == null) {
                        throw new IllegalStateException("the trial was asked to pause after epoch " + epoch
                                + " but has no checkpoint.dir to go on from later");
                    }
                    if (saving.due(epoch, config.epochs()) || pause) {
                        // before onEpoch: a trial killed in between resumes after this epoch instead of training it twice
                        String folder = checkpoints.write(new Checkpoint(trialId, epoch, partitionText, config.seed(),
                                digests[0], digests[1], epochs, run.snapshot()), saving.keep());
                        listener.onCheckpoint(epoch, folder);
                    }
                    listener.onEpoch(m);
                    if (pause) {
                        return paused(epoch, config, epochs, partitionText, provenance);
                    }
                }
            }
            return new TrialResult(TrialStatus.FINISHED, "", epochs, partitionText, provenance);
        } catch (RuntimeException e) {
            DivergenceException diverged = causeOf(e, DivergenceException.class);
            if (diverged != null) {
                return new TrialResult(TrialStatus.DIVERGED, "diverged in epoch " + (epochs.size() + 1) + ": " + diverged.getMessage(),
                        epochs, partitionText, provenance);
            }
            return new TrialResult(TrialStatus.FAILED, describe(e), epochs, partitionText, provenance);
        }
    }

    /** A trial a listener paused after {@code epoch} (its checkpoint is written): STOPPED, to go on later. */
    private static TrialResult paused(int epoch, TrialConfig config, List<EpochMetrics> epochs, String partition, Provenance provenance) {
        return new TrialResult(TrialStatus.STOPPED, "paused after epoch " + epoch + " of " + config.epochs(), epochs, partition, provenance);
    }

    /** A trial id covers the data set and its limits, not the files' content: a checkpoint goes on only with the data it trained on. */
    private static void requireSameData(Checkpoint resume, String[] digests, String folder) {
        String[][] sides = {{"training", resume.trainDigest(), digests[0]}, {"test", resume.testDigest(), digests[1]}};
        for (String[] side : sides) {
            if (!side[2].equals(side[1])) {
                throw new CheckpointException("checkpoint " + folder + " was written with other " + side[0] + " data (digest "
                        + abbreviate(side[1]) + ", the data read now has " + abbreviate(side[2]) + "): the files at data.path changed;"
                        + " put them back or delete the checkpoint folder to start over");
            }
        }
    }

    private static String abbreviate(String digest) {
        return digest == null ? "none" : digest.length() > 16 ? digest.substring(0, 16) + "…" : digest;
    }

    private <T> EpochMetrics runEpoch(TrainingBackend.Run<T> run, TrialConfig config, Partition partition, long[] blockParams,
                                      int epoch, List<Batch> batches, List<Batch> test, LearningRate lr, long totalUpdates,
                                      TrainingListener listener) {
        int micro = config.microbatches();
        List<? extends Stage<T>> stages = run.stages();
        Schedule schedule = Schedule.generate(config.schedule(), stages.size(), batches.size() * micro, micro);
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastReport = new AtomicLong(System.nanoTime());
        double[] lossSum = new double[1];
        int total = schedule.numUnits();
        RunResult r = ConcurrentExecutor.run(schedule, stages, run.units(batches, micro), lr, run::initWorker,
                ConcurrentExecutor.DEFAULT_STALL_MILLIS, (unit, loss) -> {
                    lossSum[0] += loss;
                    int n = done.incrementAndGet();
                    long now = System.nanoTime();
                    if (now - lastReport.get() > 1_000_000_000L || n == total) {
                        lastReport.set(now);
                        listener.onProgress(epoch, n, total, lossSum[0] / n);
                    }
                });
        Evaluation eval = run.evaluate(test);
        double wall = r.wallNanos() / 1e9;
        double[] busy = r.busyFractions();
        double efficiency = 0;
        for (double b : busy) {
            efficiency = Math.max(efficiency, b);
        }
        long history = 0;
        ReconstructionStats all = ReconstructionStats.NONE;
        double[] perStage = new double[stages.size()];
        double[] perBlock = new double[blockParams.length];
        java.util.Arrays.fill(perBlock, Double.NaN);
        for (int s = 0; s < stages.size(); s++) {
            Stage<T> stage = stages.get(s);
            history += stage.historyBytes();
            ReconstructionStats rs = stage.drainReconstructionStats();
            perStage[s] = rs.mean();
            all = all.merge(rs);
            // the stage's segments are its blocks with weights, in order
            int segment = 0;
            for (int b = partition.firstBlock(s); b < partition.endBlock(s) && segment < rs.segmentMeans().length; b++) {
                if (blockParams[b] > 0) {
                    perBlock[b] = rs.segmentMeans()[segment++];
                }
            }
        }
        long steps = stages.get(stages.size() - 1).version();
        return new EpochMetrics(epoch, r.meanLoss(), r.accuracy(), eval.loss(), eval.accuracy(),
                r.totalExamples() / wall, wall, busy, efficiency, history, run.drainPeakActivationBytes(),
                all.mean(), all.max(), perStage, config.optimizer().rateAt(steps, totalUpdates, totalUpdates / config.epochs()),
                r.maxStaleness(), r.meanStaleness(), perBlock);
    }

    private Provenance provenance(TrialConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java.version", System.getProperty("java.version"));
        env.put("java.vm", System.getProperty("java.vm.name"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        env.put("jvm.max_heap_mb", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        env.put("host", host());
        env.put("pid", String.valueOf(ManagementFactory.getRuntimeMXBean().getPid()));
        env.putAll(BuildInfo.properties());
        try {
            env.putAll(backend.describe());
        } catch (RuntimeException e) {
            env.put("backend.error", describe(e));
        }
        env.putAll(extraEnvironment);
        return new Provenance(config.configHash(), config.seed(), config.toParams(), env);
    }

    /** This machine's host name, as provenance names it ({@code unknown} when it has none). */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** One sentence for a failure: the message of the most specific cause that has one. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (message == null && t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static <X extends Throwable> X causeOf(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
