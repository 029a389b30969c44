package org.layerpipe.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.train.BackendUnavailableException;
import org.layerpipe.core.train.Setting;

class TrainCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpDocumentsEveryFlag() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (Setting s : Setting.ALL) {
            assertTrue(help.contains("--" + Cli.flagName(s) + " V "), "help lacks --" + Cli.flagName(s));
            assertTrue(help.contains(s.help()), "help lacks the description of " + s.key());
        }
        assertTrue(help.startsWith("usage: layerpipe train [--SETTING VALUE ...] [--devices 0,1]\n"), help);
        assertTrue(help.contains("  --devices IDS "));
        assertTrue(help.contains("  --batch-size V ") && help.contains("examples per minibatch [default 64]"), help);
        assertTrue(help.contains("  -h, --help "), help);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, run("-h"));
        assertEquals(help, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsGiveOneSentenceAndExitCode2() {
        assertEquals(2, run("--modle", "cnn"));
        assertEquals("error: unknown flag --modle: did you mean --model?\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--learning-rate", "0.1"));
        assertEquals("error: unknown flag --learning-rate: did you mean --lr?\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--train-limit", "100"));
        assertEquals("error: unknown flag --train-limit: did you mean --data-train-limit?\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--colour", "red"));
        assertEquals("error: unknown flag --colour: run with --help to see every flag\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--epochs"));
        assertEquals("error: flag --epochs needs a value\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--lr", "fast"));
        assertEquals("error: setting 'lr': 'fast' is not a valid number\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--bach-size=32"));
        assertEquals("error: unknown flag --bach-size: did you mean --batch-size?\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("cnn"));
        assertEquals("error: unexpected argument 'cnn': every option is a flag such as --devices (see --help)\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBackendThatCannotRunHereIsOneSentenceAndExitCode2() {
        String why = "no NVIDIA driver found (libcuda.so.1 does not load): this is the CUDA build of layerpipe, which needs an"
                + " NVIDIA GPU with its driver; on this machine use the default CPU build instead (build without -Pcuda)";
        int code = TrainCommand.run(new String[] {"--data", "synthetic"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), gpus -> {
                    throw new BackendUnavailableException(why, new UnsatisfiedLinkError("libcuda.so.1"));
                });
        assertEquals(2, code);
        assertEquals("error: " + why + "\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPlannedTrialIsSimulatedWithoutABackendOrData() {
        String[] args = {"--plan", "true", "--model", "resnet18", "--data", "cifar100", "--partition", "balanced:8",
            "--schedule", "gpipe", "--microbatches", "4", "--batch-size", "128", "--data.path", "/nowhere"};
        int code = TrainCommand.run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), gpus -> {
                    throw new AssertionError("estimated costs need no backend");
                });
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.startsWith("planned trial ") && printed.contains(": resnet18 on 8 devices, partition [")
                && printed.contains("schedule gpipe, batch 128 (estimated costs, not trained)"), printed);
        assertTrue(printed.contains("staleness [0, 0, 0, 0, 0, 0, 0, 0]") && printed.contains("STASH 0 B"), printed);
        assertEquals(2, run("--plan", "true", "--model", "resnet18", "--data", "cifar100", "--partition", "balanced:3",
                "--schedule", "interleaved-1f1b", "--microbatches", "4"));
        assertTrue(err.toString(StandardCharsets.UTF_8).endsWith(
                "error: interleaved 1F1B needs the microbatches per minibatch to be a multiple of the 3 devices (Megatron-LM's rule),"
                + " but they are 4: use 6 or 3\n"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void flagsAcceptDashesDotsAndUnderscoresAndBothValueForms() {
        picocli.CommandLine line = TrainCommand.commandLine();
        line.parseArgs("--batch-size", "32", "--ema.rule=fixed", "--ema-beta", "0.5", "--data_train_limit", "9", "--plan.link-latency_us=3",
                "--lr", "0.1", "--lr", "0.2");
        assertEquals(java.util.Map.of("batch_size", "32", "ema.rule", "fixed", "ema.beta", "0.5", "data.train_limit", "9",
                "plan.link_latency_us", "3", "lr", "0.2"), Cli.settings(line.getParseResult()));
    }

    @Test
    void aTrialRunsAndPrintsItsEpochTable() {
        int code = run("--model", "mlp", "--model.hidden", "16", "--data", "synthetic", "--data.train-limit", "256",
                "--data.test-limit", "128", "--batch-size", "32", "--epochs", "2", "--partition", "[2,2]");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + text);
        assertTrue(text.contains("epoch  train loss  train acc"), text);
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("2 ")), text);
        assertTrue(text.contains("finished: test accuracy"), text);
    }

    @Test
    void theSameCommandWithItsCheckpointFolderResumes(@TempDir Path dir) throws IOException {
        String[] args = {"--model", "mlp", "--model-hidden", "16", "--data", "synthetic", "--data-train-limit", "128",
                "--data-test-limit", "64", "--batch-size", "32", "--epochs", "3", "--partition", "[2,2]",
                "--checkpoint-dir", dir.toString(), "--checkpoint.keep", "3"};
        assertEquals(0, run(args), err.toString(StandardCharsets.UTF_8));
        String first = out.toString(StandardCharsets.UTF_8);
        String id = first.substring(first.indexOf("trial ") + 6, first.indexOf(':'));
        assertTrue(!first.contains("resuming"), first);
        // as if the run had been killed during epoch 3
        Path trialDir = dir.resolve(id);
        try (Stream<Path> epoch3 = Files.walk(trialDir.resolve("epoch-000003"))) {
            epoch3.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        out.reset();
        assertEquals(0, run(args), err.toString(StandardCharsets.UTF_8));
        String again = out.toString(StandardCharsets.UTF_8);
        assertTrue(again.contains("\nresuming trial " + id + " from epoch 2 (checkpoint file:" + trialDir.resolve("epoch-000002") + ")\n"),
                again);
        // the restored epochs are rows of the table too, then epoch 3 trains
        assertEquals(List.of("1", "2", "3"), again.lines().filter(l -> l.matches(" +\\d .*")).map(l -> l.trim().split(" ")[0]).toList(),
                again);
        assertEquals(1, again.lines().filter(l -> l.startsWith("epoch 3:")).count(), again);
        assertTrue(again.lines().noneMatch(l -> l.startsWith("epoch 1:") || l.startsWith("epoch 2:")), again);
    }
}
