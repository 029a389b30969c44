package org.layerpipe.jobs.sweep;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code layerpipe validate <sweep.yaml>}: reads a sweep file, checks every trial it describes
 * and prints the grid, without running anything. A mistake in the file is one line on stderr
 * and exit status 2.
 */
public final class ValidateCommand {

    static final String USAGE = """
            usage: layerpipe validate <sweep.yaml>

            Reads a sweep file, checks every trial it describes and that the data files it names on
            this machine exist, and prints the grid: one row per trial with its id (the config hash)
            and the settings the sweep varies. Grid points that are the same trial as an earlier one
            (they differ only in settings that trial ignores) run once, and a note says so.
            Exit status: 0 when the file is valid, 2 when it is not (the reason on stderr).
            """;

    private ValidateCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
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
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        if (rest.size() != 1 || rest.get(0).startsWith("-")) {
            err.println("error: " + (rest.isEmpty() ? "no sweep file given" : rest.size() > 1
                    ? "validate takes one sweep file, got " + rest.size() + " arguments"
                    : "unknown option " + rest.get(0)) + ": usage: layerpipe validate <sweep.yaml>");
            return 2;
        }
        try {
            SweepSpec spec = SweepParser.read(Path.of(rest.get(0)));
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
            err.println("error: " + rest.get(0) + ": not a valid path (" + e.getReason() + ")");
            return 2;
        } catch (SweepException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
