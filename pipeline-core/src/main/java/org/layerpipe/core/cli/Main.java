package org.layerpipe.core.cli;

/** Entry point of {@code bin/layerpipe} for the commands that run without Spark. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("usage: layerpipe <command> [flags]\n\ncommands:\n"
                    + "  train      train one pipelined trial (layerpipe train --help)\n"
                    + "  plan       simulate pipelining a model over N devices under each schedule (layerpipe plan --help)\n"
                    + "  validate   expand a sweep file and print its trials\n"
                    + "  sweep      run a sweep on Spark, logged to MLflow\n"
                    + "  bench      measure pipelined vs plain Deeplearning4j training");
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        int code = switch (args[0]) {
            case "train" -> TrainCommand.run(rest, System.out, System.err);
            case "plan" -> PlanCommand.run(rest, System.out, System.err);
            default -> {
                System.err.println("error: unknown command '" + args[0] + "': use train, plan, validate, sweep or bench");
                yield 2;
            }
        };
        System.exit(code);
    }
}
