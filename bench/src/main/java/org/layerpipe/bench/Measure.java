package org.layerpipe.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.function.IntConsumer;
import java.util.function.IntToDoubleFunction;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.layerpipe.core.cli.Cli;
import org.layerpipe.core.data.Batch;
import org.layerpipe.core.data.Batches;
import org.layerpipe.core.data.CifarReader;
import org.layerpipe.core.data.DataConfig;
import org.layerpipe.core.data.DataSets;
import org.layerpipe.core.data.Dataset;
import org.layerpipe.core.data.Normalization;
import org.layerpipe.core.data.SyntheticData;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.nd4j.BlockProfiler;
import org.layerpipe.core.nd4j.Nd4jLayers;
import org.layerpipe.core.nd4j.Nd4jPipeline;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.plan.Link;
import org.layerpipe.core.plan.Simulation;
import org.layerpipe.core.plan.Simulator;
import org.layerpipe.core.plan.StageCosts;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * One measurement, in a JVM of its own so that thread settings (environment variables) are
 * the process's. Prints one {@link Measurement} line per contender:
 * <ul>
 *   <li>{@code Measure dl4j <model> <batch> <steps> <warmup> <rounds>} times
 *       {@code MultiLayerNetwork.fit};
 *   <li>{@code Measure pipeline <model> <batch> <steps> <warmup> <rounds> <stages> <weights>}
 *       times the pipelined executor (LayerPipe2 schedule) for each weight mode in the
 *       comma-separated {@code weights} ({@code latest}, {@code ema} = pipeline-aware EMA,
 *       {@code stash}), all on one partition, round by round in alternating order, so that
 *       the modes share the machine's ups and downs and their ratio is fair;
 *   <li>{@code Measure plan-check <model> <batch> <steps> <warmup> <rounds> <microbatches>} times
 *       LayerPipe2, async 1F1B and GPipe ({@code microbatches} per minibatch) at M = 2 with LATEST
 *       weights the same way and, after each round, the planner's prediction of each of its runs from
 *       block costs profiled right then ({@code bench --plan-check}).
 * </ul>
 * Every round starts with a garbage-collected {@link NativeMemory} reading and ends with
 * another; the best round's time counts, the last round's memory growth is reported (by then
 * everything lazily allocated exists).
 */
public final class Measure {

    private static final double LR = 0.01;
    private static final long SEED = 1;
    /**
     * Untimed warm-up before timing, at least this long, in steps of {@code warmup}: the engine
     * reaches its steady speed only after the JIT has compiled its per-op Java path (measured
     * on the cnn: rounds after 20 warm steps ran at 64, 44, 35, 30 ms per step). DL4J gets the
     * same. ResNet-18's few steps exceed it anyway.
     */
    static final long WARMUP_NANOS = 4_000_000_000L;
    /** Synthetic data: this many distinct minibatches, reused in turn (their values do not change the speed). */
    private static final int SYNTHETIC_BATCHES = 8;

    /** One timed round: wall time, the executor's figures (none for DL4J), memory growth per step. */
    private record Round(long wallNanos, RunResult run, double physicalPerStep, double javacppPerStep, double nd4jObjectsPerStep,
                         double heapPerStep) {

        Round(long wallNanos, RunResult run, NativeMemory before, NativeMemory after, int steps, double heapPerStep) {
            this(wallNanos, run, after.physicalPerStepSince(before, steps), after.javacppPerStepSince(before, steps),
                    after.nd4jObjectsPerStepSince(before, steps), heapPerStep);
        }
    }

    private Measure() {
    }

    /** The child's command line, as {@link Benchmark} writes it: positional parameters only. */
    @Command(name = "Measure", customSynopsis = {
        "usage: Measure dl4j <model> <batch> <steps> <warmup> <rounds>",
        "       Measure pipeline <model> <batch> <steps> <warmup> <rounds> <stages> <weights>",
        "       Measure plan-check <model> <batch> <steps> <warmup> <rounds> <microbatches>"}, description = {
            "One measurement of bin/layerpipe bench, in a JVM of its own: one line per contender.", ""})
    static final class Args {
        @Parameters(index = "0", paramLabel = "<what>", description = "dl4j, pipeline or plan-check")
        private String what;

        @Parameters(index = "1", paramLabel = "<model>", description = "a bench model: mlp, wide-mlp, cnn or resnet18")
        private String model;

        @Parameters(index = "2", paramLabel = "<batch>", description = "examples per minibatch")
        private int batch;

        @Parameters(index = "3", paramLabel = "<steps>", description = "timed steps per round")
        private int steps;

        @Parameters(index = "4", paramLabel = "<warmup>", description = "untimed warm-up steps (repeated until 4 s have passed)")
        private int warmup;

        @Parameters(index = "5", paramLabel = "<rounds>", description = "timed rounds, the best one counts")
        private int rounds;

        @Parameters(index = "6", arity = "0..1", paramLabel = "<stages|microbatches>",
                description = "pipeline: stages (1 or 2); plan-check: GPipe's microbatches per minibatch")
        private Integer count;

        @Parameters(index = "7", arity = "0..1", paramLabel = "<weights>", description = "pipeline: latest, ema and stash, comma-separated")
        private String weights;

        @Mixin
        private Cli.HelpOption help;
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = new Args();
        OptionalInt done = Cli.parse(args, argv, System.out, System.err);
        if (done.isPresent()) {
            if (done.getAsInt() != 0) {
                System.exit(done.getAsInt());
            }
            return;
        }
        String what = args.what;
        if (!List.of("dl4j", "pipeline", PLAN_CHECK).contains(what) || !what.equals("dl4j") && args.count == null
                || what.equals("pipeline") && args.weights == null) {
            System.exit(Cli.usageError(System.err, "Measure " + String.join(" ", argv) + ": not a measurement (see Measure --help)"));
            return;
        }
        BenchModel model = BenchModel.of(args.model);
        int batch = args.batch;
        int steps = args.steps;
        int warmup = args.warmup;
        int rounds = args.rounds;
        ModelSpec spec = model.spec();
        List<INDArray[]> data = data(model, spec, batch, Math.max(steps, warmup));
        List<INDArray> init = Nd4jLayers.initialParameters(spec, DataType.FLOAT, SEED);
        if (what.equals("dl4j")) {
            System.out.println(dl4j(spec, init, data, batch, steps, warmup, rounds).line());
            return;
        }
        int stages = what.equals(PLAN_CHECK) ? 2 : args.count;
        int profileBatch = model.profileBatch(batch);
        Partition partition = stages == 1 ? Partition.of(spec.numBlocks())
                : BalancedPartitioner.partition(BlockProfiler.profile(spec, profileBatch, DataType.FLOAT, SEED), stages);
        List<Variant> variants = new ArrayList<>();
        if (what.equals(PLAN_CHECK)) {
            int micro = args.count;
            for (ScheduleKind kind : PLAN_CHECKED) {
                variants.add(new Variant(TrialConfig.label(kind), kind, kind.microbatched() ? micro : 1, WeightSettings.latest()));
            }
        } else {
            for (String w : args.weights.split(",")) {
                WeightSettings weights = weights(w);
                variants.add(new Variant(weights.label(), ScheduleKind.LAYERPIPE2, 1, weights));
            }
        }
        if (what.equals(PLAN_CHECK)) {
            planCheck(spec, partition, init, data, batch, steps, warmup, rounds, variants, profileBatch);
            return;
        }
        Map<Variant, List<Round>> timed = pipeline(spec, partition, init, data, batch, steps, warmup, rounds, variants, r -> { });
        timed.forEach((v, list) -> System.out.println(measurement(v.label(), list, batch, steps, partition.toString()).line()));
        if (stages > 1) {
            // the planner's figure for the LATEST run, on block costs profiled now that the JIT has compiled the engine
            BlockCosts costs = BlockProfiler.costs(spec, profileBatch, DataType.FLOAT, SEED);
            System.out.println(prediction(PREDICTED, spec, partition, costs, ScheduleKind.LAYERPIPE2, 1, batch, steps, stageLink()).line());
        }
    }

    /**
     * {@link #PLAN_CHECK}: after each round of the schedules' turns the blocks are profiled again and each run of
     * that round predicted, so that a prediction and its measurement share the machine's speed of those seconds (on
     * this shared machine it drifts by a third within a minute). Per schedule the round with the median error is
     * printed: its measurement and its prediction.
     */
    private static void planCheck(ModelSpec spec, Partition partition, List<INDArray> init, List<INDArray[]> data, int batch, int steps,
                                  int warmup, int rounds, List<Variant> variants, int profileBatch)
            throws InterruptedException {
        Link link = stageLink();
        Map<Variant, List<Measurement>> predicted = new LinkedHashMap<>();
        variants.forEach(v -> predicted.put(v, new ArrayList<>()));
        Map<Variant, List<Round>> done = pipeline(spec, partition, init, data, batch, steps, warmup, rounds, variants, round -> {
            Map<Integer, BlockCosts> costs = new HashMap<>();
            for (Variant v : variants) {
                int unit = Math.min(batch / v.microbatches(), profileBatch);
                BlockCosts c = costs.computeIfAbsent(unit, u -> BlockProfiler.costs(spec, u, DataType.FLOAT, SEED));
                predicted.get(v).add(prediction(v.label() + "-" + PREDICTED, spec, partition, c, v.kind(), v.microbatches(), batch, steps,
                        link));
            }
        });
        System.out.println(new Measurement(HANDOFF, Double.NaN, link.latencySeconds() * 1000, Double.NaN, "-", partition.toString(),
                Double.NaN, Double.NaN, Double.NaN, Double.NaN).line());
        for (Variant v : variants) {
            List<Round> measured = done.get(v);
            Integer[] order = new Integer[measured.size()];
            for (int r = 0; r < order.length; r++) {
                order[r] = r;
            }
            // predicted over measured time of each round: the median round is printed
            IntToDoubleFunction ratio = r -> measured.get(r).wallNanos() / 1e9 / steps
                    / (predicted.get(v).get(r).msPerStep() / 1000);
            Arrays.sort(order, Comparator.comparingDouble(ratio::applyAsDouble));
            int median = order[order.length / 2];
            System.out.println(measurement(v.label(), List.of(measured.get(median)), batch, steps, partition.toString()).line());
            System.out.println(predicted.get(v).get(median).line());
            for (int r = 0; r < measured.size(); r++) {
                System.out.println(measurement(v.label() + ROUND + r, List.of(measured.get(r)), batch, steps, partition.toString()).line());
                System.out.println(predicted.get(v).get(r).relabeled(v.label() + "-" + PREDICTED + ROUND + r).line());
            }
        }
    }

    /** The stages' link: no bytes move (they share memory), but every hand-off wakes a waiting thread. */
    private static Link stageLink() throws InterruptedException {
        return new Link(Handoff.measureSeconds(), Double.POSITIVE_INFINITY);
    }

    /** The child mode that measures the planner against the executor: {@code Measure plan-check <model> <batch> <steps> <warmup> <rounds> <microbatches>}. */
    static final String PLAN_CHECK = "plan-check";

    /** The schedules {@link #PLAN_CHECK} runs and predicts: the issue's asynchronous pair and GPipe. */
    static final List<ScheduleKind> PLAN_CHECKED = List.of(ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B, ScheduleKind.GPIPE);

    /** One contender of a pipeline measurement: a schedule (with its microbatches per minibatch) and a weight mode. */
    record Variant(String label, ScheduleKind kind, int microbatches, WeightSettings weights) {
    }

    /** Between a plan-check label and its round's index: {@code gpipe#2}, {@code gpipe-predicted#2}. */
    static final String ROUND = "#";

    /** The weights label of the planner's prediction among a child's measurements. */
    static final String PREDICTED = "predicted";

    /** The label of the measured hand-off latency between stage threads ({@link Handoff}; its {@code ms_per_step} field). */
    static final String HANDOFF = "handoff";

    /**
     * What {@code bin/layerpipe plan} predicts for this run: {@code kind} simulated on the blocks' profiled
     * costs for as many minibatches as the run timed — fill and drain included, as the measured wall
     * time includes them — over {@code link}: no transfer time (the stages share memory), the threads'
     * hand-off latency per crossing. {@code costs} were profiled
     * at the unit size ({@code batch / microbatches}, capped at the model's profile batch).
     */
    static Measurement prediction(String label, ModelSpec spec, Partition partition, BlockCosts costs, ScheduleKind kind, int microbatches,
                                  int batch, int steps, Link link) {
        StageCosts stageCosts = StageCosts.of(spec, partition, costs, batch / microbatches, 4);
        Simulation sim = Simulator.run(Schedule.generate(kind, partition.numStages(), steps * microbatches, microbatches), stageCosts,
                link);
        double seconds = sim.makespan() / steps;
        StringJoiner busy = new StringJoiner(",");
        double efficiency = 0;
        for (double b : sim.busy()) {
            efficiency = Math.max(efficiency, b / sim.makespan());
            busy.add(String.format(Locale.ROOT, "%.2f", b / sim.makespan()));
        }
        return new Measurement(label, batch / seconds, seconds * 1000, efficiency, busy.toString(), partition.toString(), Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
    }

    /** The weight setting a child argument names: {@code latest}, {@code ema} (pipeline-aware) or {@code stash}. */
    static WeightSettings weights(String name) {
        return switch (name) {
            case "latest" -> WeightSettings.latest();
            case "ema" -> WeightSettings.ema(EmaRule.PIPELINE_AWARE);
            case "stash" -> WeightSettings.stash();
            default -> throw new IllegalArgumentException("unknown weight mode '" + name + "': use latest, ema or stash");
        };
    }

    private static Measurement dl4j(ModelSpec spec, List<INDArray> init, List<INDArray[]> data, int batch, int steps, int warmup, int rounds) {
        MultiLayerNetwork net = Nd4jLayers.referenceNetwork(spec, DataType.FLOAT, SEED, LR);
        net.setParams(Nd4j.concat(0, init.stream().filter(p -> p.length() > 0).toArray(INDArray[]::new)));
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - warmStart < WARMUP_NANOS; i++) {
            net.fit(data.get(i % data.size())[0], data.get(i % data.size())[1]);
        }
        List<Round> done = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            NativeMemory before = NativeMemory.settled();
            // fit runs on this thread (its native threads are OpenMP's), so this thread's counter is all the heap it allocates
            long heap0 = HeapMeteredStage.threadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                net.fit(data.get(i % data.size())[0], data.get(i % data.size())[1]);
            }
            long wall = System.nanoTime() - t0;
            long heap = HeapMeteredStage.threadAllocatedBytes() - heap0;
            done.add(new Round(wall, null, before, NativeMemory.settled(), steps, heap0 < 0 ? Double.NaN : (double) heap / steps));
        }
        return measurement("dl4j", done, batch, steps, "-");
    }

    /** Each variant's timed rounds; {@code afterRound} runs after every round's turns (with the round's index). */
    private static Map<Variant, List<Round>> pipeline(ModelSpec spec, Partition partition, List<INDArray> init, List<INDArray[]> data,
                                                      int batch, int steps, int warmup, int rounds, List<Variant> variants,
                                                      IntConsumer afterRound) {
        int stages = partition.numStages();
        Map<Variant, List<Round>> done = new LinkedHashMap<>();
        variants.forEach(v -> done.put(v, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            List<Variant> order = new ArrayList<>(variants);
            if (r % 2 == 1) {
                Collections.reverse(order); // LATEST, EMA, STASH, then STASH, EMA, LATEST: none always runs first
            }
            for (Variant v : order) {
                int m = v.microbatches();
                UnitSource<INDArray> units = units(data, m);
                Schedule warm = Schedule.generate(v.kind(), stages, warmup * m, m);
                Schedule timed = Schedule.generate(v.kind(), stages, steps * m, m);
                // A fresh pipeline per round, closed before the next: only one holds its activations at a time,
                // which matters for ResNet-18 (several GB each at batch 128).
                try (Nd4jPipeline pipeline = Nd4jPipeline.build(spec, partition, init, v.kind().stageDelays(partition), v.weights(),
                        SgdSettings.PLAIN, DataType.FLOAT)) {
                    List<HeapMeteredStage<INDArray>> metered = pipeline.stages().stream().map(HeapMeteredStage<INDArray>::new).toList();
                    long warmStart = System.nanoTime();
                    do {
                        ConcurrentExecutor.run(warm, metered, units, LearningRate.constant(LR));
                    } while (r == 0 && System.nanoTime() - warmStart < WARMUP_NANOS);
                    NativeMemory before = NativeMemory.settled();
                    metered.forEach(HeapMeteredStage::reset);
                    RunResult run = ConcurrentExecutor.run(timed, metered, units, LearningRate.constant(LR));
                    NativeMemory after = NativeMemory.settled();
                    double heap = 0;
                    for (HeapMeteredStage<INDArray> s : metered) {
                        heap += s.allocatedBytes() < 0 ? Double.NaN : s.allocatedBytes();
                    }
                    done.get(v).add(new Round(run.wallNanos(), run, before, after, steps, heap / steps));
                }
            }
            afterRound.accept(r);
        }
        return done;
    }

    /**
     * The units of a run over {@code data}'s minibatches in turn: the minibatches themselves, or
     * each split into {@code m} microbatches (copies made once, so that timing reads no views).
     */
    static UnitSource<INDArray> units(List<INDArray[]> data, int m) {
        List<INDArray[]> split = new ArrayList<>();
        for (INDArray[] d : data) {
            long size = d[0].size(0) / m;
            for (int i = 0; i < m; i++) {
                INDArrayIndex rows = NDArrayIndex.interval(i * size, (i + 1) * size);
                split.add(m == 1 ? d : new INDArray[] {d[0].get(rows).dup(), d[1].get(rows).dup()});
            }
        }
        return new UnitSource<>() {
            @Override
            public INDArray input(int unit) {
                return split.get(unit % split.size())[0];
            }

            @Override
            public INDArray labels(int unit) {
                return split.get(unit % split.size())[1];
            }
        };
    }

    /** The best round's speed and the last round's memory growth. */
    private static Measurement measurement(String weights, List<Round> rounds, int batch, int steps, String partition) {
        Round best = rounds.get(0);
        for (Round r : rounds) {
            if (r.wallNanos() < best.wallNanos()) {
                best = r;
            }
        }
        Round last = rounds.get(rounds.size() - 1);
        double seconds = best.wallNanos() / 1e9;
        double efficiency = Double.NaN;
        String busy = "-";
        if (best.run() != null) {
            // the busiest stage's share of the wall time: 1 when it never waited for a neighbour
            efficiency = 0;
            StringJoiner j = new StringJoiner(",");
            for (double f : best.run().busyFractions()) {
                efficiency = Math.max(efficiency, f);
                j.add(String.format(Locale.ROOT, "%.2f", f));
            }
            busy = j.toString();
        }
        return new Measurement(weights, steps * batch / seconds, seconds * 1000 / steps, efficiency, busy, partition,
                last.physicalPerStep(), last.javacppPerStep(), last.nd4jObjectsPerStep(), last.heapPerStep());
    }

    /** {@code count} minibatches of the model's data (fewer for synthetic data, reused in turn), as arrays both contenders share. */
    static List<INDArray[]> data(BenchModel model, ModelSpec spec, int batch, int count) {
        Dataset train = switch (model.data()) {
            case FASHION_MNIST -> DataSets.load(new DataConfig("fashion-mnist", "", 0, 0, false), new Configuration()).train();
            case SYNTHETIC_CIFAR -> SyntheticData.generate("synthetic-cifar", CifarReader.SHAPE, spec.numClasses(),
                    Math.min(count, SYNTHETIC_BATCHES) * batch, SEED);
        };
        Normalization norm = Normalization.fit(train);
        List<Batch> batches = Batches.epoch(train, norm, batch, SEED, 1, true, false);
        Shape.Image shape = train.shape();
        List<INDArray[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, batches.size()); i++) {
            Batch b = batches.get(i);
            INDArray x = Nd4j.create(b.features(), new long[] {b.size(), shape.channels(), shape.height(), shape.width()}, 'c');
            INDArray y = Nd4j.zeros(DataType.FLOAT, b.size(), spec.numClasses());
            for (int k = 0; k < b.size(); k++) {
                y.putScalar(k, b.labels()[k], 1.0);
            }
            out.add(new INDArray[] {x, y});
        }
        return out;
    }
}
