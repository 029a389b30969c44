package org.layerpipe.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ValidateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheGridOfAGoodFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("small.yaml"), """
                name: small
                base: {model: mlp, data: synthetic}
                axes:
                  weights: [stash, ema]
                  seed: [1, 2]
                """);
        assertEquals(0, run("validate", file.toString()));
        List<Trial> trials = SweepExpander.expand(SweepParser.read(file));
        assertEquals("sweep       small  (" + file + ")\n"
                + "experiment  layerpipe2-small\n"
                + "\n"
                + "#  trial id          weights  seed\n"
                + "0  " + trials.get(0).trialId() + "  stash    1\n"
                + "1  " + trials.get(1).trialId() + "  stash    2\n"
                + "2  " + trials.get(2).trialId() + "  ema      1\n"
                + "3  " + trials.get(3).trialId() + "  ema      2\n"
                + "\n"
                + "4 trials\n", out().replace(System.lineSeparator(), "\n"));
        assertEquals("", err());
    }

    @Test
    void saysPlannedTrialsWillBeSimulatedAndNeedNoData(@TempDir Path dir) throws Exception {
        // the data folder does not exist: a planned trial reads none, a trained one would be refused
        Path file = Files.writeString(dir.resolve("plans.yaml"), """
                name: plans
                base: {model: resnet18, data: cifar100, data.path: /nowhere/cifar, batch_size: 128, partition: balanced:4}
                axes:
                  plan: [true]
                  schedule: [layerpipe2, gpipe]
                  seed: [1, 2]
                """);
        assertEquals(0, run("validate", file.toString()), err());
        String printed = out().replace(System.lineSeparator(), "\n");
        assertEquals(true, printed.contains("\n2 trials\nall 2 trial(s) will be simulated by the planner (plan: true), not trained:"
                + " no data is read, each logs its predicted time, bubble and memory\n"), printed);
        assertEquals(true, printed.contains("again: seed does not change what this trial trains, so it runs once"), printed);

        Path mixed = Files.writeString(dir.resolve("mixed.yaml"), """
                name: mixed
                base: {model: mlp, data: synthetic}
                axes:
                  plan: [false, true]
                """);
        out.reset();
        assertEquals(0, run(mixed.toString()), err());
        assertEquals(true, out().contains("1 of 2 trial(s) will be simulated by the planner"), out());

        Path trained = Files.writeString(dir.resolve("trained.yaml"), """
                name: trained
                base: {model: resnet18, data: cifar100, data.path: /nowhere/cifar, partition: balanced:4}
                """);
        assertEquals(2, run(trained.toString()));
        assertEquals(true, err().contains("/nowhere/cifar"), err());
    }

    @Test
    void saysWhichGridPointsAreOneTrial(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("dup.yaml"), """
                name: dup
                base: {data: synthetic}
                axes:
                  weights: [stash]
                  ema.beta: [0.5, 0.9]
                """);
        assertEquals(0, run(file.toString()));
        String id = SweepExpander.expand(SweepParser.read(file)).get(0).trialId();
        assertEquals("sweep       dup  (" + file + ")\n"
                + "experiment  layerpipe2-dup\n"
                + "\n"
                + "#  trial id          weights  ema.beta\n"
                + "0  " + id + "  stash    0.5\n"
                + "\n"
                + "1 trial\n"
                + "note: " + file + ":5: the grid point weights=stash, ema.beta=0.9 is trial 0 (weights=stash, ema.beta=0.5, id " + id
                + ") again: ema.beta does not change what this trial trains, so it runs once\n", out().replace(System.lineSeparator(), "\n"));
        assertEquals("", err());
    }

    @Test
    void theCommandNameIsOptional(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("one.yaml"), "name: one\n");
        assertEquals(0, run(file.toString()));
        assertEquals("1 trial", out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aBadFileIsOneLineOnStderr(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "name: bad\nbase:\n  lr: abc\n");
        assertEquals(2, run("validate", file.toString()));
        assertEquals("error: " + file + ":3: setting 'lr': 'abc' is not a valid number" + System.lineSeparator(), err());
        assertEquals("", out());
    }

    @Test
    void aMissingFileIsOneLineOnStderr(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");
        assertEquals(2, run(file.toString()));
        assertEquals("error: " + file + ":1: no such file: check the path to the sweep file" + System.lineSeparator(), err());
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("validate", "--help"));
        assertEquals(ValidateCommand.usage(), out());
        assertEquals(true, out().startsWith("usage: layerpipe validate <sweep.yaml>\n\nReads a sweep file, checks every trial"), out());
        assertEquals(true, out().contains("\n  <sweep.yaml>   the sweep file\n  -h, --help     print this help and exit\n"), out());
        assertEquals(true, out().endsWith("\nExit status: 0 when the file is valid, 2 when it is not (the reason on stderr).\n"), out());
        assertEquals("", err());
        out.reset();
        assertEquals(0, run("-h"));
        assertEquals(ValidateCommand.usage(), out());
    }

    @Test
    void wrongArgumentsPrintUsageInTheError() {
        assertEquals(2, run());
        assertEquals(2, run("a.yaml", "b.yaml"));
        assertEquals(2, run("--verbose"));
        assertEquals(2, run("--hlep"));
        assertEquals(List.of(
                "error: no sweep file given: usage: layerpipe validate <sweep.yaml>",
                "error: validate takes one sweep file, got 2 arguments: usage: layerpipe validate <sweep.yaml>",
                "error: unknown flag --verbose: the only flag is --help",
                "error: unknown flag --hlep: did you mean --help?"), err().lines().toList());
        assertEquals("", out());
    }
}
