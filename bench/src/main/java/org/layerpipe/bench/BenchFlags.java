package org.layerpipe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.layerpipe.core.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of {@code bin/layerpipe bench}, parsed ({@link Options}): each flag as {@code --name value} or
 * {@code --name=value}. Zero for {@code batch} and {@code rounds} means "each model's own
 * default" ({@link BenchModel}).
 *
 * @param models models to measure, in order, each a {@link BenchModel} name
 * @param scale  factor on every model's default step count
 * @param rounds timed rounds per measurement, or 0 for the model's default
 * @param batch  minibatch size for every model, or 0 for the model's default
 * @param json   file to write the figures to as JSON, or {@code null} for none
 * @param planCheck {@code --plan-check}: measure the planner's predictions against the executor instead
 */
public record BenchFlags(List<String> models, double scale, int rounds, int batch, String json, boolean planCheck) {

    /** Models measured when {@code --models} is not given: ResNet-18 is left out, it takes minutes per step here. */
    public static final List<String> DEFAULT_MODELS = List.of("mlp", "wide-mlp", "cnn");

    /** Models {@code --plan-check} measures when {@code --models} is not given. */
    public static final List<String> PLAN_CHECK_MODELS = List.of("mlp", "cnn");

    /** A user's mistake on the command line: the message is one sentence naming the flag and the fix. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public BenchFlags {
        models = List.copyOf(models);
    }

    /** The command line of {@code bench}, as picocli fills it in; {@link #flags()} checks it. */
    @Command(name = "bench", customSynopsis = "usage: layerpipe bench [--models mlp,wide-mlp,cnn] [--scale 1.0] [--rounds R] [--batch N]"
            + " [--json FILE] [--plan-check]", description = {
                "Pipelined training (LayerPipe2 schedule) against plain Deeplearning4j, each measurement in a JVM of its own."},
            footer = "Flags are written --name value or --name=value.")
    public static final class Options {

        @Option(names = "--models", paramLabel = "LIST", description = {
            "comma-separated, from mlp, wide-mlp, cnn, resnet18 [default mlp,wide-mlp,cnn]",
            "(resnet18: batch 128, synthetic CIFAR-shaped data, about 6 s per step on 2 cores,",
            "a few minutes in all; --batch 8 --scale 0.5 is quicker)"})
        private String models;

        @Option(names = "--scale", paramLabel = "X", description = "factor on every model's default step count, X > 0 [default 1.0]")
        private String scale = "1.0";

        @Option(names = "--rounds", paramLabel = "R", description = {
            "timed rounds per measurement, the best one counts; M=2 interleaves LATEST, EMA and",
            "STASH round by round [default 2; resnet18 1]"})
        private String rounds;

        @Option(names = "--batch", paramLabel = "N", description = "minibatch size for every model [default 64; resnet18 128]")
        private String batch;

        @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON to FILE")
        private String json;

        @Option(names = "--plan-check", description = {
            "instead: run LayerPipe2, 1F1B and GPipe (4 microbatches) at M=2 on the executor and",
            "compare each with the planner's prediction from profiled block costs",
            "[models default mlp,cnn]"})
        private boolean planCheck;

        @Mixin
        private Cli.HelpOption help;

        /**
         * The flags checked.
         *
         * @throws UsageException for a bad value, in one sentence naming the flag
         */
        public BenchFlags flags() {
            List<String> chosen = models != null ? models(models) : planCheck ? PLAN_CHECK_MODELS : DEFAULT_MODELS;
            return new BenchFlags(chosen, positiveNumber("scale", scale), rounds == null ? 0 : positiveInt("rounds", rounds),
                    batch == null ? 0 : positiveInt("batch", batch), json == null ? null : nonEmpty("json", json), planCheck);
        }
    }

    /** What {@code bench --help} prints. */
    static String usage() {
        return Cli.commandLine(new Options()).getUsageMessage();
    }

    private static List<String> models(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String m = part.trim().toLowerCase(Locale.ROOT);
            if (!BenchModel.NAMES.contains(m)) {
                throw new UsageException("unknown model '" + part.trim() + "' in --models: use " + String.join(", ", BenchModel.NAMES));
            }
            if (out.contains(m)) {
                throw new UsageException("model '" + m + "' is listed twice in --models: list each model once");
            }
            out.add(m);
        }
        return out;
    }

    private static double positiveNumber(String name, String value) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UsageException("--" + name + " must be a number > 0, got '" + value + "'");
        }
        return v;
    }

    private static int positiveInt(String name, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new UsageException("--" + name + " must be a whole number >= 1, got '" + value + "'");
    }

    private static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException("--" + name + " needs a file name, e.g. --" + name + " bench.json");
        }
        return value;
    }
}
