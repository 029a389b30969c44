package org.layerpipe.core.cli;

/**
 * Entry point of {@code bin/layerpipe} for the commands that run without Spark ({@code train},
 * {@code plan}); the launcher runs the others ({@code validate}, {@code sweep}, {@code report},
 * {@code bench}) from their own modules' classpaths.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("usage: layerpipe <command> [flags]\n\ncommands:\n"
                    + "  train      train one pipelined trial (layerpipe train --help)\n"
                    + "  plan       simulate pipelining a model over N devices under each schedule (layerpipe plan --help)\n"
                    + "bin/layerpipe also runs validate, sweep, report and bench (bin/layerpipe --help).");
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        int code = switch (args[0]) {
            case "train" -> TrainCommand.run(rest, System.out, System.err);
            case "plan" -> PlanCommand.run(rest, System.out, System.err);
            case "validate", "sweep", "report", "bench" -> {
                System.err.println("error: '" + args[0] + "' needs its own module's classpath: run it as bin/layerpipe " + args[0]);
                yield 2;
            }
            default -> {
                System.err.println("error: unknown command '" + args[0] + "': use train or plan here, or bin/layerpipe --help");
                yield 2;
            }
        };
        System.exit(code);
    }
}
