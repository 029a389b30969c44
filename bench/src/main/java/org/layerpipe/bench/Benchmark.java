package org.layerpipe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import org.layerpipe.core.cli.Cli;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.text.Table;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;

/**
 * {@code bin/layerpipe bench}: pipelined training against plain Deeplearning4j, measured side
 * by side in one run on this machine, and the weight-history memory of ResNet-18. Each
 * measurement runs in a fresh JVM with its own thread settings ({@code OMP_NUM_THREADS},
 * {@code OMP_WAIT_POLICY=PASSIVE}), so none inherits another's warm caches or thread pools.
 * Per model: DL4J's {@code fit} with 1 thread and with every core, ours at M = 1 (every core)
 * and at M = 2 (one thread per stage) with LATEST, EMA and STASH weights interleaved in one
 * JVM on one partition, for the overhead of each weight history. Prints two tables and,
 * with {@code --json}, writes the same figures for scripts.
 *
 * <p>Flags ({@link BenchFlags.Options}, each {@code --name value} or {@code --name=value}):
 * {@code --models mlp,wide-mlp,cnn[,resnet18]}, {@code --scale X} (factor on every model's
 * default step count), {@code --rounds R}, {@code --batch N}, {@code --json FILE},
 * {@code --help}. An unknown flag or bad value prints one sentence and exits with 2.
 */
public final class Benchmark {

    private static final List<String> CHILD_JVM = List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.platform.extension=-onednn",
            "-Dorg.bytedeco.javacpp.maxbytes=4g",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.org.apache.hadoop=error",
            "-Dorg.slf4j.simpleLogger.log.org.deeplearning4j.nn.conf.inputs=error");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The whole command: 0 when done, 2 for a usage error (one sentence on {@code err}, nothing
     * measured). A failed measurement throws, with the child's last lines.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        BenchFlags.Options options = new BenchFlags.Options();
        OptionalInt done = Cli.parse(options, args, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        BenchFlags flags;
        try {
            flags = options.flags();
            if (flags.json() != null) {
                Path parent = Path.of(flags.json()).toAbsolutePath().getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    // checked now, not after minutes of measuring
                    throw new BenchFlags.UsageException("--json " + flags.json() + ": folder " + parent + " does not exist; create it or name another file");
                }
            }
        } catch (BenchFlags.UsageException e) {
            return Cli.usageError(err, e.getMessage());
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (flags.planCheck()) {
            return planCheck(flags, cores, out);
        }
        out.printf(Locale.ROOT, "LayerPipe2 benchmark: %d cores, float, LayerPipe2 schedule; Fashion-MNIST for mlp, wide-mlp and cnn,"
                + " synthetic CIFAR-shaped data for resnet18%n%n", cores);
        List<ModelResult> results = new ArrayList<>();
        for (String name : flags.models()) {
            results.add(measure(BenchModel.of(name), flags, cores, out));
        }

        out.println();
        out.println("Throughput (samples/s; higher is better; ours M=2 uses pipeline-aware EMA):");
        Table throughput = new Table(ModelResult.throughputHeader(cores));
        results.forEach(r -> throughput.row(r.throughputRow()));
        out.print(throughput.markdown());
        out.println();
        out.println("Milliseconds per step (lower is better); M=2 with LATEST, EMA and STASH on one partition, interleaved in one JVM,"
                + " best round each.");
        out.println("Memory per step (EMA runs, last round, read after GC): growth of the resident set (it keeps the peak of uncollected"
                + " garbage) and of the live ND4J objects (a leak shows here), Java heap allocated:");
        Table steps = new Table(ModelResult.stepHeader());
        results.forEach(r -> steps.row(r.stepRow()));
        out.print(steps.markdown());
        out.println();
        out.print(weightMemoryTable());

        if (flags.json() != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("cores", cores);
            doc.put("schedule", "layerpipe2");
            doc.put("dtype", "float");
            doc.put("models", results.stream().map(ModelResult::json).toList());
            Files.writeString(Path.of(flags.json()), BenchJson.write(doc), StandardCharsets.UTF_8);
            out.println();
            out.println("wrote " + flags.json());
        }
        return 0;
    }

    /** Microbatches per minibatch of GPipe in {@code --plan-check}. */
    static final int PLAN_CHECK_MICROBATCHES = 4;

    /** Rounds of {@code --plan-check} unless {@code --rounds} says otherwise. */
    static final int PLAN_CHECK_ROUNDS = 9;

    /**
     * {@code --plan-check}: per model, one JVM runs LayerPipe2, 1F1B and GPipe at M = 2 on one
     * partition (round by round, alternating), then profiles the blocks and prints what the
     * planner predicts for each run; one table compares them.
     */
    private static int planCheck(BenchFlags flags, int cores, PrintStream out) throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "Planner check: %d cores, float, M=2 (one thread per stage), LATEST weights; GPipe with %d microbatches%n%n",
                cores, PLAN_CHECK_MICROBATCHES);
        List<PlanCheck> checks = new ArrayList<>();
        Map<String, Object> handoffMicros = new LinkedHashMap<>();
        for (String name : flags.models()) {
            BenchModel model = BenchModel.of(name);
            int batch = flags.batch() > 0 ? flags.batch() : model.batch();
            if (batch % PLAN_CHECK_MICROBATCHES != 0) {
                throw new IllegalArgumentException("--plan-check splits each minibatch into " + PLAN_CHECK_MICROBATCHES
                        + " microbatches for GPipe, but the batch of " + model.label() + " is " + batch + ": use a multiple of 4");
            }
            int steps = model.steps(flags.scale());
            // nine rounds at least: the schedules take turns and the round with the median error counts; single
            // rounds scatter by ±30 % here (a neighbour's load once slowed all of one schedule's three rounds by a
            // third), and with five the median round still missed by 15-30 % in one run of four
            int rounds = flags.rounds() > 0 ? flags.rounds() : Math.max(PLAN_CHECK_ROUNDS, model.defaultRounds());
            out.printf(Locale.ROOT, "measuring %s (batch %d, %d steps per round, %d rounds):", model.label(), batch, steps, rounds);
            List<String> common = List.of(model.label(), String.valueOf(batch), String.valueOf(steps),
                    String.valueOf(model.warmup(steps)), String.valueOf(rounds));
            Map<String, Measurement> m = child(out, "M=2", Math.max(1, cores / 2), Measure.PLAN_CHECK, common,
                    String.valueOf(PLAN_CHECK_MICROBATCHES));
            handoffMicros.put(model.label(), m.get(Measure.HANDOFF).msPerStep() * 1000);
            out.printf(Locale.ROOT, " (hand-off between the stage threads: %.0f µs)%n", m.get(Measure.HANDOFF).msPerStep() * 1000);
            for (ScheduleKind kind : Measure.PLAN_CHECKED) {
                String label = TrialConfig.label(kind);
                List<Double> byRound = new ArrayList<>();
                for (int r = 0; m.containsKey(label + Measure.ROUND + r); r++) {
                    byRound.add(PlanCheck.error(m.get(label + Measure.ROUND + r), m.get(label + "-" + Measure.PREDICTED + Measure.ROUND + r)));
                }
                checks.add(new PlanCheck(model.label(), label, m.get(label), m.get(label + "-" + Measure.PREDICTED), byRound));
            }
        }
        out.println();
        out.println("Measured on the concurrent executor against the planner's prediction for the same run (samples/s, best round;"
                + " prediction: the schedule simulated on block costs profiled in the same JVM, fill and drain included, each"
                + " crossing between the stages costing the measured thread hand-off):");
        Table table = new Table(PlanCheck.header());
        checks.forEach(c -> table.row(c.row()));
        out.print(table.markdown());
        if (flags.json() != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("cores", cores);
            doc.put("dtype", "float");
            doc.put("gpipe_microbatches", PLAN_CHECK_MICROBATCHES);
            doc.put("handoff_us", handoffMicros);
            doc.put("plan_check", checks.stream().map(PlanCheck::json).toList());
            Files.writeString(Path.of(flags.json()), BenchJson.write(doc), StandardCharsets.UTF_8);
            out.println();
            out.println("wrote " + flags.json());
        }
        return 0;
    }

    private static ModelResult measure(BenchModel model, BenchFlags flags, int cores, PrintStream out) throws IOException, InterruptedException {
        int batch = flags.batch() > 0 ? flags.batch() : model.batch();
        int steps = model.steps(flags.scale());
        int warmup = model.warmup(steps);
        int rounds = flags.rounds() > 0 ? flags.rounds() : model.defaultRounds();
        out.printf(Locale.ROOT, "measuring %s (batch %d, %d steps per round, %d round%s):", model.label(), batch, steps, rounds,
                rounds == 1 ? "" : "s");
        List<String> common = List.of(model.label(), String.valueOf(batch), String.valueOf(steps), String.valueOf(warmup), String.valueOf(rounds));
        Measurement d1 = null;
        Measurement dn = null;
        if (model.hasDl4jReference()) {
            d1 = child(out, "dl4j 1 thr", 1, "dl4j", common).get("dl4j");
            dn = child(out, "dl4j " + cores + " thr", cores, "dl4j", common).get("dl4j");
        } else {
            out.print(" (no DL4J reference: MultiLayerNetwork cannot hold residual blocks)");
        }
        String ema = Measure.weights("ema").label();
        // like the PyTorch anchor (best of 1 or 2 threads): small models run faster on one thread,
        // where no OpenMP team has to wake for every small op
        Measurement m1 = child(out, "M=1 " + cores + " thr", cores, "pipeline", common, "1", "ema").get(ema);
        if (cores > 1) {
            Measurement single = child(out, "M=1 1 thr", 1, "pipeline", common, "1", "ema").get(ema);
            m1 = single.samplesPerSecond() > m1.samplesPerSecond() ? single : m1;
        }
        Map<String, Measurement> m2 = child(out, "M=2", Math.max(1, cores / 2), "pipeline", common, "2", "latest,ema,stash");
        out.println();
        return new ModelResult(model.label(), batch, steps, rounds, d1, dn, m1,
                m2.get(Measure.weights("latest").label()), m2.get(ema), m2.get(Measure.weights("stash").label()), m2.get(Measure.PREDICTED));
    }

    /** Runs one {@link Measure} JVM with {@code threads} native threads; its measurements by weight mode. */
    private static Map<String, Measurement> child(PrintStream out, String label, int threads, String what, List<String> common,
                                                  String... more) throws IOException, InterruptedException {
        out.print(" " + label);
        out.flush();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CHILD_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Measure.class.getName(), what));
        cmd.addAll(common);
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        Map<String, Measurement> result = new LinkedHashMap<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith(Measurement.PREFIX)) {
                    Measurement m = Measurement.parse(line);
                    result.put(m.weights(), m);
                }
            }
        }
        if (p.waitFor() != 0 || result.isEmpty()) {
            throw new IllegalStateException("measurement " + what + " " + String.join(" ", common) + " " + String.join(" ", more) + " failed:\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        }
        return result;
    }

    private static String weightMemoryTable() {
        ModelSpec resnet = Models.resnet18(new Shape.Image(3, 32, 32), 100);
        Table mem = new Table("M", "partition", "STASH", "EMA", "STASH / EMA");
        for (int m : new int[] {2, 4, 8}) {
            Partition p = BalancedPartitioner.partition(resnet.estimatedCosts(), m);
            long stash = WeightMemory.totalPeakBytes(WeightMode.STASH, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            long ema = WeightMemory.totalPeakBytes(WeightMode.EMA, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            mem.row(String.valueOf(m), p.toString(), WeightMemory.human(stash), WeightMemory.human(ema),
                    String.format(Locale.ROOT, "%.2fx", (double) stash / ema));
        }
        return "Weight-history memory of ResNet-18 on CIFAR-100 (float, LayerPipe2, partition balanced by estimated MACs):\n" + mem.markdown();
    }
}
