package org.layerpipe.jobs.run;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import org.layerpipe.core.cli.Cli;
import org.layerpipe.core.text.Table;
import org.layerpipe.jobs.sweep.SweepException;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;
import org.layerpipe.jobs.tracking.MlflowSettings;
import org.layerpipe.jobs.tracking.RetryPolicy;
import org.layerpipe.jobs.tracking.Tracker;
import org.layerpipe.jobs.tracking.TrackingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code layerpipe status <sweep.yaml>}: each trial's state as MLflow has it — finished, diverged,
 * running with its epoch, failed with the reason, stopped, not started — and what a re-submission
 * would run, by the {@link TrialLedger}'s rules. Only reads: it creates and deletes nothing.
 */
@Command(name = "status", customSynopsis = StatusCommand.SYNOPSIS, description = {
    "Prints, from MLflow, the state of every trial of the sweep (finished, diverged, running",
    "with its epoch, failed with the reason, stopped, not started) and which trials a",
    "re-submission would run (with --force: a forced one). Trials are found by trial id",
    "anywhere in the sweep's experiment, as a submission finds them."},
        footer = "Exit status: 0, or 2 for a mistake in the file or arguments, 1 when MLflow does not answer.")
public final class StatusCommand {

    static final String SYNOPSIS = "usage: layerpipe status <sweep.yaml> [--tracking-uri URI] [--force]";
    private static final int REASON_WIDTH = 100;

    @Parameters(paramLabel = "<sweep.yaml>", arity = "0..*", description = "the sweep file")
    private List<String> files = new ArrayList<>();

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "MLflow tracking server [default: $MLFLOW_TRACKING_URI]")
    private String uri = System.getenv(MlflowSettings.TRACKING_URI_ENV);

    @Option(names = "--force", description = "say what `sweep --force` would run")
    private boolean force;

    @Mixin
    private Cli.HelpOption help;

    private StatusCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return 0 on success or help, 2 for a mistake in the arguments or the sweep file, 1 when MLflow fails */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        StatusCommand command = new StatusCommand();
        OptionalInt done = Cli.parse(command, args, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        List<String> files = command.files;
        if (files.isEmpty()) {
            return usageError(err, "no sweep file given");
        }
        if (files.size() > 1) {
            return usageError(err, "status takes one sweep file, got '" + files.get(0) + "' and '" + files.get(1) + "'");
        }
        String sweep = files.get(0);
        String uri = command.uri;
        boolean force = command.force;
        if (uri == null || uri.isBlank()) {
            return usageError(err, "no MLflow tracking server: pass --tracking-uri or set MLFLOW_TRACKING_URI");
        }
        try (Tracker mlflow = MlflowSettings.of(uri).withRetry(RetryPolicy.DEFAULT.withMaxElapsed(Duration.ofSeconds(10))).connect()) {
            out.print(report(mlflow, SweepParser.read(Path.of(sweep)), force));
            return 0;
        } catch (InvalidPathException e) {
            return Cli.usageError(err, sweep + ": not a valid path (" + e.getReason() + ")");
        } catch (SweepException e) {
            return Cli.usageError(err, e.getMessage());
        } catch (TrackingException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int usageError(PrintStream err, String message) {
        return Cli.usageError(err, message + ": " + SYNOPSIS);
    }

    /** The table of trial states and the line saying what a re-submission would run. */
    static String report(Tracker tracker, SweepSpec spec, boolean force) {
        List<Trial> trials = SweepExpander.expand(spec);
        String sweepId = SweepDriver.sweepId(spec, trials);
        Optional<String> experiment = tracker.findExperiment(spec.experiment());
        TrialLedger ledger = experiment.map(id -> TrialLedger.read(tracker, id)).orElse(TrialLedger.empty(tracker));
        Table table = new Table("trial", "run name", "trial id", "state", "run", "re-submission");
        List<String> toRun = new ArrayList<>();
        int done = 0;
        for (Trial t : trials) {
            TrialLedger.State state = ledger.state(t.trialId(), t.config().epochs());
            boolean runs = ledger.decide(t.trialId(), sweepId, force) instanceof TrialLedger.Run;
            if (runs) {
                toRun.add(String.valueOf(t.index()));
            }
            done += state.done() ? 1 : 0;
            table.row(String.valueOf(t.index()), SweepExpander.runName(t), t.trialId(), cut(state.text()),
                    state.runId() == null ? "-" : state.runId(), runs ? "runs" : "skipped");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("sweep ").append(spec.name()).append(" (").append(sweepId).append("), experiment '").append(spec.experiment()).append('\'');
        sb.append(experiment.isEmpty() ? " (not in MLflow yet)" : "").append('\n').append('\n');
        sb.append(table.markdown()).append('\n');
        sb.append(String.format(Locale.ROOT, "%d of %d trials done; %s would run %s%n", done, trials.size(),
                force ? "a forced re-submission" : "a re-submission", toRun.isEmpty() ? "nothing"
                        : toRun.size() + " (trial" + (toRun.size() == 1 ? " " : "s ") + String.join(", ", toRun) + ")"));
        return sb.toString();
    }

    private static String cut(String text) {
        String line = text.replace('\n', ' ').replace('|', '/');
        return line.length() <= REASON_WIDTH ? line : line.substring(0, REASON_WIDTH - 1) + "…";
    }
}
