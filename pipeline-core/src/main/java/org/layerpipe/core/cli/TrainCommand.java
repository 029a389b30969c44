package org.layerpipe.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

import org.layerpipe.core.nd4j.Nd4jBackend;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.text.Table;
import org.layerpipe.core.train.BackendUnavailableException;
import org.layerpipe.core.train.EpochMetrics;
import org.layerpipe.core.train.PipelineTrainer;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrainingBackend;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code layerpipe train}: one trial from flags, with a progress line while an epoch runs
 * and a table row per epoch. Exit code 0 when it finished, 1 when it diverged or failed,
 * 2 for a usage error or a backend that cannot run here (one sentence, no stack trace).
 * Every trial setting is a flag ({@link Cli#settingOptions}).
 */
@Command(name = "train", customSynopsis = "usage: layerpipe train [--SETTING VALUE ...] [--devices 0,1]", description = {
    "Trains one pipelined trial and prints a row per epoch, e.g.",
    "  layerpipe train --model cnn --data fashion-mnist --partition balanced:2 --epochs 2",
    "  layerpipe train --model dl4j:/path/net.zip --data fashion-mnist    (your own Deeplearning4j network)",
    "",
    "Flags: train's own --devices, then every setting (the same keys in sweep files):"})
public final class TrainCommand {

    @Option(names = "--devices", paramLabel = "IDS", description = "GPU ids for the stages, round-robin (CUDA build only)")
    private String devices;

    @Mixin
    private Cli.HelpOption help;

    private TrainCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Nd4jBackend::new);
    }

    /** The command line of {@code train}: its own flags and one per trial setting. */
    static CommandLine commandLine() {
        CommandLine line = Cli.commandLine(new TrainCommand());
        Cli.settingOptions().forEach(line.getCommandSpec()::addOption);
        return line;
    }

    /** @param backends builds the backend for the given GPU ids (tests pass their own) */
    static int run(String[] args, PrintStream out, PrintStream err, Function<List<Integer>, TrainingBackend> backends) {
        CommandLine line = commandLine();
        OptionalInt done = Cli.parse(line, args, out, err);
        if (done.isPresent()) {
            return done.getAsInt();
        }
        TrainCommand command = line.getCommand();
        TrialConfig config;
        List<Integer> devices = new ArrayList<>();
        try {
            config = TrialConfig.fromParams(Cli.settings(line.getParseResult()));
            if (command.devices != null) {
                for (String d : command.devices.split(",")) {
                    devices.add(Integer.parseInt(d.trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            return Cli.usageError(err, e.getMessage());
        }
        if (config.plan().enabled()) {
            return plan(config, () -> backends.apply(devices), out, err);
        }
        PipelineTrainer trainer;
        try {
            trainer = new PipelineTrainer(backends.apply(devices));
        } catch (BackendUnavailableException e) {
            // e.g. the CUDA build on a machine without an NVIDIA driver: a setup mistake, not a failed trial
            return Cli.usageError(err, e.getMessage());
        }
        TrialResult result = trainer.train(config, new ConsoleListener(out));
        if (result.status() != TrialStatus.FINISHED) {
            err.println(result.status().name().toLowerCase(Locale.ROOT) + ": " + result.message());
            return 1;
        }
        EpochMetrics last = result.last();
        out.printf(Locale.ROOT, "finished: test accuracy %.4f, %.0f samples/s, config %s%n",
                last.testAccuracy(), last.samplesPerSecond(), result.provenance().configHash());
        return 0;
    }

    /** {@code --plan true}: the trial simulated, as a sweep's planned trial is, in one paragraph; nothing is trained. */
    private static int plan(TrialConfig config, Supplier<TrainingBackend> backend, PrintStream out, PrintStream err) {
        Prediction p;
        try {
            p = TrialPlanner.plan(config, backend);
        } catch (IllegalArgumentException | BackendUnavailableException e) {
            return Cli.usageError(err, e.getMessage());
        }
        out.printf(Locale.ROOT, "planned trial %s: %s on %d devices, partition %s, schedule %s, batch %d (%s costs, not trained)%n",
                config.configHash(), config.model().name(), p.devices(), p.partition(), TrialConfig.label(config.schedule()),
                config.batchSize(), config.plan().costs().label());
        out.printf(Locale.ROOT, "%.3f ms/minibatch, %.0f samples/s, bubble %.1f%%, staleness %s, peak activations %s,"
                        + " weight history LATEST %s / STASH %s / EMA %s%n",
                p.secondsPerMinibatch() * 1e3, p.samplesPerSecond(), 100 * p.bubble(), Arrays.toString(p.stageStaleness()),
                WeightMemory.human(Arrays.stream(p.deviceActivationBytes()).max().orElse(0)),
                WeightMemory.human(Arrays.stream(p.stageHistoryBytes(WeightMode.LATEST)).sum()),
                WeightMemory.human(Arrays.stream(p.stageHistoryBytes(WeightMode.STASH)).sum()),
                WeightMemory.human(Arrays.stream(p.stageHistoryBytes(WeightMode.EMA)).sum()));
        return 0;
    }

    /** Prints the set-up, a progress line and the epoch table. */
    static final class ConsoleListener implements TrainingListener {
        private final PrintStream out;
        private final boolean tty = System.console() != null;
        private final Table table = new Table("epoch", "train loss", "train acc", "test loss", "test acc", "samples/s",
                "time s", "efficiency", "history", "activations", "recon err");
        private int epochs;
        private String trialId = "";
        private long lastLine = System.nanoTime();

        ConsoleListener(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onStart(TrialConfig config, String partition, String delayTable, Provenance provenance) {
            trialId = provenance.configHash();
            out.println("trial " + provenance.configHash() + ": " + config.model().name() + " on " + config.data().name()
                    + ", partition " + partition + ", schedule " + TrialConfig.label(config.schedule())
                    + ", weights " + config.weights().label() + ", " + config.epochs() + " epoch(s), batch " + config.batchSize());
            Map<String, String> env = provenance.environment();
            out.println("backend " + env.get("nd4j.backend") + (env.containsKey("nd4j.natives") ? " (" + env.get("nd4j.natives") + ")" : "")
                    + " on " + env.get("device") + ", commit " + env.get("layerpipe.git.commit"));
            if (env.containsKey("nd4j.warning")) {
                out.println("warning: " + env.get("nd4j.warning"));
            }
            out.print(delayTable);
            out.println();
        }

        @Override
        public void onProgress(int epoch, int done, int total, double runningLoss) {
            String line = String.format(Locale.ROOT, "epoch %d: %d/%d minibatches, loss %.4f", epoch, done, total, runningLoss);
            if (tty) {
                out.print("\r" + line + (done == total ? "\n" : ""));
            } else if (done == total || System.nanoTime() - lastLine > 10_000_000_000L) {
                // logs and pipes get a line every 10 s, not a carriage-return animation
                out.println(line);
                lastLine = System.nanoTime();
            }
            out.flush();
        }

        /** The restored epochs are rows of the table as well, so a resumed run prints the whole trial. */
        @Override
        public void onResume(int epoch, String checkpoint, List<EpochMetrics> restored) {
            out.println("resuming trial " + trialId + " from epoch " + epoch + " (checkpoint " + checkpoint + ")");
            restored.forEach(this::onEpoch);
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            table.row(String.valueOf(m.epoch()), f4(m.trainLoss()), f4(m.trainAccuracy()), f4(m.testLoss()), f4(m.testAccuracy()),
                    String.format(Locale.ROOT, "%.0f", m.samplesPerSecond()), String.format(Locale.ROOT, "%.1f", m.wallSeconds()),
                    String.format(Locale.ROOT, "%.2f", m.pipelineEfficiency()), WeightMemory.human(m.historyBytes()),
                    WeightMemory.human(m.activationBytes()), Double.isNaN(m.reconstructionError()) ? "-" : f4(m.reconstructionError()));
            if (epochs++ == 0) {
                out.print(table.alignedHeader());
            }
            out.println(table.alignedLine(epochs));
        }

        private static String f4(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
