package org.layerpipe.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Entry point of {@code bin/layerpipe} for the commands that run without Spark ({@code train},
 * {@code plan}); the launcher runs the others ({@code validate}, {@code sweep}, {@code report},
 * {@code bench}) from their own modules' classpaths. The arguments after the command's name are
 * the command's own, parsed by it.
 */
@Command(name = "layerpipe", customSynopsis = "usage: layerpipe <command> [flags]", description = {
    "commands:",
    "  train      train one pipelined trial (layerpipe train --help)",
    "  plan       simulate pipelining a model over N devices under each schedule (layerpipe plan --help)",
    "bin/layerpipe also runs validate, sweep, report and bench (bin/layerpipe --help).",
    ""})
public final class Main {

    @Parameters(index = "0", arity = "0..1", paramLabel = "<command>", description = "train or plan")
    private String command;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "[flags]", description = "the command's own (layerpipe <command> --help)")
    private List<String> flags = new ArrayList<>();

    @Mixin
    private Cli.HelpOption help;

    private Main() {
    }

    public static void main(String[] args) {
        Main main = new Main();
        // everything after the command's name is the command's to parse
        CommandLine line = Cli.commandLine(main).setStopAtPositional(true);
        OptionalInt done = Cli.parse(line, args, System.out, System.err);
        if (done.isPresent()) {
            System.exit(done.getAsInt());
        }
        if (main.command == null) {
            line.usage(System.out);
            System.exit(Cli.USAGE_ERROR);
        }
        String[] rest = main.flags.toArray(String[]::new);
        int code = switch (main.command) {
            case "train" -> TrainCommand.run(rest, System.out, System.err);
            case "plan" -> PlanCommand.run(rest, System.out, System.err);
            case "validate", "sweep", "report", "bench" -> Cli.usageError(System.err, "'" + main.command
                    + "' needs its own module's classpath: run it as bin/layerpipe " + main.command);
            default -> Cli.usageError(System.err, "unknown command '" + main.command + "': use train or plan here, or bin/layerpipe --help");
        };
        System.exit(code);
    }
}
