package org.layerpipe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The flags of {@code bin/layerpipe bench}, parsed: each flag as {@code --name value} or
 * {@code --name=value}. Zero for {@code batch} and {@code rounds} means "each model's own
 * default" ({@link BenchModel}).
 *
 * @param models models to measure, in order, each a {@link BenchModel} name
 * @param scale  factor on every model's default step count
 * @param rounds timed rounds per measurement, or 0 for the model's default
 * @param batch  minibatch size for every model, or 0 for the model's default
 * @param json   file to write the figures to as JSON, or {@code null} for none
 * @param planCheck {@code --plan-check}: measure the planner's predictions against the executor instead
 * @param help   {@code --help} was given: print {@link #USAGE} and do nothing else
 */
public record BenchFlags(List<String> models, double scale, int rounds, int batch, String json, boolean planCheck, boolean help) {

    /** Models measured when {@code --models} is not given: ResNet-18 is left out, it takes minutes per step here. */
    public static final List<String> DEFAULT_MODELS = List.of("mlp", "wide-mlp", "cnn");

    /** Models {@code --plan-check} measures when {@code --models} is not given. */
    public static final List<String> PLAN_CHECK_MODELS = List.of("mlp", "cnn");

    public static final String USAGE = """
            usage: layerpipe bench [--models mlp,wide-mlp,cnn] [--scale 1.0] [--rounds R] [--batch N] [--json FILE] [--plan-check]

            Pipelined training (LayerPipe2 schedule) against plain Deeplearning4j, each measurement in a JVM of its own.
              --models LIST   comma-separated, from mlp, wide-mlp, cnn, resnet18 [default mlp,wide-mlp,cnn]
                              (resnet18: batch 128, synthetic CIFAR-shaped data, about 6 s per step on 2 cores,
                              a few minutes in all; --batch 8 --scale 0.5 is quicker)
              --scale X       factor on every model's default step count, X > 0 [default 1.0]
              --rounds R      timed rounds per measurement, the best one counts; M=2 interleaves LATEST, EMA and
                              STASH round by round [default 2; resnet18 1]
              --batch N       minibatch size for every model [default 64; resnet18 128]
              --json FILE     also write the figures as JSON to FILE
              --plan-check    instead: run LayerPipe2, 1F1B and GPipe (4 microbatches) at M=2 on the executor and
                              compare each with the planner's prediction from profiled block costs
                              [models default mlp,cnn]
              --help          print this and exit
            Flags are written --name value or --name=value.
            """;

    /** A user's mistake on the command line: the message is one sentence naming the flag and the fix. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** The flags that take a value, by name. */
    static final List<String> VALUE_FLAGS = List.of("models", "scale", "rounds", "batch", "json");

    public BenchFlags {
        models = List.copyOf(models);
    }

    /**
     * Parses {@code args}.
     *
     * @throws UsageException for an unknown flag, a missing or bad value, or a bare argument
     */
    public static BenchFlags parse(String[] args) {
        List<String> models = null;
        boolean planCheck = false;
        double scale = 1.0;
        int rounds = 0;
        int batch = 0;
        String json = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals("--plan-check")) {
                planCheck = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "': every option is a flag such as --models mlp (see --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!VALUE_FLAGS.contains(name)) {
                throw new UsageException("unknown flag --" + name + ": use --models, --scale, --rounds, --batch, --json, --plan-check or --help");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("flag --" + name + " needs a value, e.g. --" + name + " " + example(name));
                }
                value = args[++i];
            }
            switch (name) {
                case "models" -> models = models(value);
                case "scale" -> scale = positiveNumber(name, value);
                case "rounds" -> rounds = positiveInt(name, value);
                case "batch" -> batch = positiveInt(name, value);
                default -> json = nonEmpty(name, value);
            }
        }
        if (models == null) {
            models = planCheck ? PLAN_CHECK_MODELS : DEFAULT_MODELS;
        }
        return new BenchFlags(models, scale, rounds, batch, json, planCheck, help);
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
            throw new UsageException("--" + name + " needs a file name, e.g. --" + name + " " + example(name));
        }
        return value;
    }

    private static String example(String name) {
        return switch (name) {
            case "models" -> "mlp,cnn";
            case "scale" -> "0.5";
            case "json" -> "bench.json";
            default -> "2";
        };
    }
}
