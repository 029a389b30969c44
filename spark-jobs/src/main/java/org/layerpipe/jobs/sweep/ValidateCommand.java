package org.layerpipe.jobs.sweep;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import org.layerpipe.core.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code layerpipe validate <sweep.yaml>}: reads a sweep file, checks every trial it describes
 * and prints the grid, without running anything. A mistake in the file is one line on stderr
 * and exit status 2.
 */
@Command(name = "validate", customSynopsis = ValidateCommand.SYNOPSIS, description = {
    "Reads a sweep file, checks every trial it describes and that the data files it names on",
    "this machine exist, and prints the grid: one row per trial with its id (the config hash)",
    "and the settings the sweep varies. Grid points that are the same trial as an earlier one",
    "(they differ only in settings that trial ignores) run once, and a note says so."},
        footer = "Exit status: 0 when the file is valid, 2 when it is not (the reason on stderr).")
public final class ValidateCommand {

    static final String SYNOPSIS = "usage: layerpipe validate <sweep.yaml>";

    @Parameters(paramLabel = "<sweep.yaml>", arity = "0..*", description = "the sweep file")
    private List<String> files = new ArrayList<>();

    @Mixin
    private Cli.HelpOption help;

    private ValidateCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** What {@code --help} prints. */
    static String usage() {
        return Cli.commandLine(new ValidateCommand()).getUsageMessage();
    }

    /**
     * @param args the sweep file; a leading {@code validate} (the command's own name) is skipped
     * @return 0 when the sweep is valid or help was asked for, 2 on a mistake in the file or arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args);
        if (!rest.isEmpty() && rest.get(0).equals("validate")) {
            rest = rest.subList(1, rest.size());
        }
        ValidateCommand command = new ValidateCommand();
        OptionalInt done = Cli.parse(command, rest.toArray(String[]::new), out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        if (command.files.size() != 1) {
            return Cli.usageError(err, (command.files.isEmpty() ? "no sweep file given"
                    : "validate takes one sweep file, got " + command.files.size() + " arguments") + ": " + SYNOPSIS);
        }
        String file = command.files.get(0);
        try {
            SweepSpec spec = SweepParser.read(Path.of(file));
            SweepExpander.Expansion expansion = SweepExpander.expansion(spec);
            List<Trial> trials = expansion.trials();
            DataCheck.requireLocalData(spec, trials);
            out.println("sweep       " + spec.name() + "  (" + spec.sourcePath() + ")");
            out.println("experiment  " + spec.experiment());
            out.println();
            out.print(SweepExpander.table(trials));
            out.println();
            out.println(trials.size() == 1 ? "1 trial" : trials.size() + " trials");
            long planned = trials.stream().filter(t -> t.config().plan().enabled()).count();
            if (planned > 0) {
                out.println((planned == trials.size() ? "all " + planned : planned + " of " + trials.size()) + " trial(s) will be simulated"
                        + " by the planner (plan: true), not trained: no data is read, each logs its predicted time, bubble and memory");
            }
            EarlyStopping rule = spec.earlyStopping();
            if (rule != null && !trials.isEmpty()) {
                out.println("early stopping: successive halving by " + rule.metric() + " (" + (rule.maximise() ? "max" : "min")
                        + ") at epochs " + rule.rungs(trials.get(0).config().epochs()) + ", keeping 1/" + rule.reduction() + " of each group"
                        + (rule.groupBy().isEmpty() ? "" : " of " + rule.groupBy()));
            }
            for (String note : expansion.collapsed()) {
                out.println("note: " + note);
            }
            return 0;
        } catch (InvalidPathException e) {
            return Cli.usageError(err, file + ": not a valid path (" + e.getReason() + ")");
        } catch (SweepException e) {
            return Cli.usageError(err, e.getMessage());
        }
    }
}
