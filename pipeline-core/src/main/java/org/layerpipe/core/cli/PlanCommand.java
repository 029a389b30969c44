package org.layerpipe.core.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.nd4j.BlockProfiler;
import org.layerpipe.core.partition.PartitionSpec;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.plan.ChromeTrace;
import org.layerpipe.core.plan.Link;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.plan.Simulation;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.text.Table;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.train.Precision;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code layerpipe plan}: how a model would pipeline over N devices under each schedule, from
 * a simulation ({@link org.layerpipe.core.plan.Simulator}) rather than a run — the best contiguous partition per
 * schedule, its time per minibatch, bubble and memory per stage. Exit 0, or 2 for a usage error.
 */
@Command(name = "plan", customSynopsis = "usage: layerpipe plan --model NAME --devices N [flags]", description = {
    "Simulates pipelined training of one model on N devices (one stage each) under several",
    "schedules and prints, per schedule, the best contiguous partition and what it costs.",
    "  layerpipe plan --model resnet18 --data cifar100 --devices 8 --batch-size 128 --trace plan.json",
    ""})
public final class PlanCommand {

    @Option(names = "--model", paramLabel = "NAME", description = "mlp, cnn or resnet18 [default mlp]")
    private String model = "mlp";

    @Option(names = "--hidden", paramLabel = "W,W", description = "mlp hidden widths [default 256,128]")
    private String hidden = "256,128";

    @Option(names = "--data", paramLabel = "NAME", description = "fashion-mnist, cifar10 or cifar100 (the input shape) [default fashion-mnist]")
    private String data = "fashion-mnist";

    @Option(names = "--devices", paramLabel = "N", description = "devices = pipeline stages [default 2]")
    private String devices = "2";

    @Option(names = "--schedules", paramLabel = "LIST", description = {
        "from layerpipe2, 1f1b, gpipe, 1f1b-flush, zb-h1, interleaved-1f1b, sequential",
        "[default all seven]; zb-h1 (zero bubble) splits each backward into input-",
        "and weight-gradient passes, interleaved-1f1b puts 2 model chunks on each",
        "device: both exist here only, the trainer runs neither"})
    private String schedules = "layerpipe2,1f1b,gpipe,1f1b-flush,zb-h1,interleaved-1f1b,sequential";

    @Option(names = "--microbatches", paramLabel = "M",
            description = "microbatches per minibatch of the synchronous schedules (divides the batch) [default 4]")
    private String microbatches = "4";

    @Option(names = "--batch-size", paramLabel = "B", description = "examples per minibatch [default 64]")
    private String batchSize = "64";

    @Option(names = "--costs", paramLabel = "KIND", description = {
        "estimated (from each block's multiply-adds at --device-tflops) or",
        "measured (each block profiled on this machine) [default estimated]"})
    private String costs = "estimated";

    @Option(names = "--device-tflops", paramLabel = "X", description = "sustained TFLOP/s of one device, for estimated costs [default 10]")
    private String deviceTflops = "10";

    @Option(names = "--link-gbps", paramLabel = "X", description = "bandwidth between neighbouring devices, Gbit/s [default 100]")
    private String linkGbps = "100";

    @Option(names = "--link-latency-us", paramLabel = "X", description = "latency per transfer, µs [default 10]")
    private String linkLatencyUs = "10";

    @Option(names = "--trace", paramLabel = "FILE", description = {
        "write each schedule's timeline as Chrome-trace JSON (FILE, with the",
        "schedule's name before the extension), for chrome://tracing or Perfetto"})
    private String trace;

    @Option(names = "--grid", description = "print each schedule's tick × device grid (first 3 minibatches)")
    private boolean grid;

    @Mixin
    private Cli.HelpOption help;

    private PlanCommand() {
    }

    /** What a plan was asked for. */
    record Request(ModelSpec model, int devices, List<ScheduleKind> schedules, int microbatches, int batchSize, boolean measured,
                   double deviceTflops, Link link, String trace, boolean grid) {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        PlanCommand command = new PlanCommand();
        OptionalInt done = Cli.parse(command, args, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        Request request;
        try {
            request = command.request();
        } catch (IllegalArgumentException e) {
            return Cli.usageError(err, e.getMessage());
        }
        try {
            plan(request, out);
            return 0;
        } catch (IOException e) {
            err.println("error: cannot write the trace: " + e.getMessage());
            return 1;
        }
    }

    Request request() {
        List<Integer> widths = new ArrayList<>();
        for (String h : hidden.split(",")) {
            widths.add(positiveInt("hidden", h));
        }
        String dataSet = data.toLowerCase(Locale.ROOT);
        Shape.Image input;
        int classes;
        switch (dataSet) {
            case "fashion-mnist", "mnist" -> {
                input = new Shape.Image(1, 28, 28);
                classes = 10;
            }
            case "cifar10" -> {
                input = new Shape.Image(3, 32, 32);
                classes = 10;
            }
            case "cifar100" -> {
                input = new Shape.Image(3, 32, 32);
                classes = 100;
            }
            default -> throw new IllegalArgumentException("unknown --data '" + dataSet + "': use fashion-mnist, cifar10 or cifar100");
        }
        ModelSpec spec = new ModelConfig(model, widths).build(input, classes);
        int deviceCount = positiveInt("devices", devices);
        if (deviceCount > spec.numBlocks()) {
            throw new IllegalArgumentException("--devices " + deviceCount + ": " + spec.name() + " has only " + spec.numBlocks()
                    + " blocks, and every device needs one");
        }
        List<ScheduleKind> kinds = new ArrayList<>();
        for (String s : schedules.split(",")) {
            kinds.add(ScheduleKind.parse(s));
        }
        int batch = positiveInt("batch-size", batchSize);
        int micro = positiveInt("microbatches", microbatches);
        if (kinds.stream().anyMatch(ScheduleKind::microbatched) && batch % micro != 0) {
            throw new IllegalArgumentException("--microbatches " + micro + " does not divide --batch-size " + batch
                    + ": the synchronous schedules split each minibatch into equal microbatches");
        }
        if (!costs.equals("estimated") && !costs.equals("measured")) {
            throw new IllegalArgumentException("unknown --costs '" + costs + "': use estimated or measured");
        }
        double tflops = positive("device-tflops", deviceTflops);
        Link link = Link.gbps(positive("link-gbps", linkGbps), nonNegative("link-latency-us", linkLatencyUs));
        return new Request(spec, deviceCount, List.copyOf(kinds), micro, batch, costs.equals("measured"), tflops, link, trace, grid);
    }

    static void plan(Request r, PrintStream out) throws IOException {
        BlockCosts estimated = BlockCosts.estimated(r.model(), r.deviceTflops());
        // measured costs are profiled at the size of the schedule's unit: a microbatch costs more than its share of a
        // minibatch (every op has its fixed cost), which scaling the minibatch's profile down would hide
        Map<Integer, BlockCosts> profiled = new HashMap<>();
        out.printf(Locale.ROOT, "%s on %d devices, batch %d, %s block costs%s, link %.0f Gbit/s + %.0f µs%n%n", r.model().name(),
                r.devices(), r.batchSize(), r.measured() ? "measured (this machine)" : "estimated",
                r.measured() ? "" : String.format(Locale.ROOT, " (%.1f TFLOP/s per device)", r.deviceTflops()),
                r.link().bytesPerSecond() * 8 / 1e9, r.link().latencySeconds() * 1e6);
        Table table = new Table("schedule", "partition", "ms/minibatch", "samples/s", "bubble", "staleness", "peak act. device 0",
                "LATEST", "STASH", "EMA");
        List<String> skipped = new ArrayList<>();
        for (ScheduleKind kind : r.schedules()) {
            Prediction prediction;
            try {
                int unit = kind.microbatched() ? r.batchSize() / r.microbatches() : r.batchSize();
                BlockCosts blockCosts = r.measured()
                        ? profiled.computeIfAbsent(unit, u -> BlockProfiler.costs(r.model(), u, Precision.FLOAT, 1))
                        : estimated;
                prediction = Prediction.of(r.model(), new PartitionSpec.Balanced(r.devices()), kind, r.microbatches(), r.batchSize(),
                        blockCosts, r.link());
            } catch (IllegalArgumentException e) {
                // a schedule this setup cannot run (interleaved 1F1B's rules): say why, plan the others
                skipped.add(TrialConfig.label(kind) + ": " + e.getMessage());
                continue;
            }
            Simulation sim = prediction.simulation();
            List<String> staleness = new ArrayList<>();
            for (int d : prediction.stageStaleness()) {
                staleness.add(String.valueOf(d));
            }
            table.row(TrialConfig.label(kind), prediction.partition().toString(),
                    String.format(Locale.ROOT, "%.3f", prediction.secondsPerMinibatch() * 1e3),
                    String.format(Locale.ROOT, "%.0f", prediction.samplesPerSecond()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * prediction.bubble()),
                    String.join(",", staleness),
                    WeightMemory.human(prediction.deviceActivationBytes()[0]),
                    WeightMemory.human(total(prediction.stageHistoryBytes(WeightMode.LATEST))),
                    WeightMemory.human(total(prediction.stageHistoryBytes(WeightMode.STASH))),
                    WeightMemory.human(total(prediction.stageHistoryBytes(WeightMode.EMA))));
            if (r.trace() != null) {
                Path file = traceFile(r.trace(), kind, r.schedules().size() > 1);
                Files.writeString(file, ChromeTrace.json(sim), StandardCharsets.UTF_8);
                out.println("trace of " + TrialConfig.label(kind) + ": " + file);
            }
            if (r.grid()) {
                int m = kind.microbatched() ? r.microbatches() : 1;
                out.println(TrialConfig.label(kind) + ", first 3 minibatches:");
                out.println(Schedule.generate(kind, prediction.partition().numStages(), 3 * m, m).grid());
            }
        }
        out.print(table.aligned());
        for (String why : skipped) {
            out.println("not planned, " + why);
        }
        out.println("\nbubble: idle share of device time in steady state (GPipe's flush, the stages' imbalance); staleness:"
                + " updates between a unit's forward and backward per stage; weight columns: history bytes beyond the"
                + " current weights (float), all stages together.");
    }

    private static long total(long[] bytes) {
        long sum = 0;
        for (long b : bytes) {
            sum += b;
        }
        return sum;
    }

    static Path traceFile(String trace, ScheduleKind kind, boolean several) {
        if (!several) {
            return Path.of(trace);
        }
        String name = TrialConfig.label(kind);
        int dot = trace.lastIndexOf('.');
        return Path.of(dot > 0 ? trace.substring(0, dot) + "-" + name + trace.substring(dot) : trace + "-" + name);
    }

    private static int positiveInt(String flag, String text) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + flag + " must be a whole number >= 1, got '" + text + "'");
    }

    private static double positive(String flag, String text) {
        double v = number(flag, text);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--" + flag + " must be a number > 0, got '" + text + "'");
        }
        return v;
    }

    private static double nonNegative(String flag, String text) {
        double v = number(flag, text);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--" + flag + " must be a number >= 0, got '" + text + "'");
        }
        return v;
    }

    private static double number(String flag, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " must be a number, got '" + text + "'");
        }
    }
}
