package org.layerpipe.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.train.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The one command-line parser: its flag forms, its help and its one-sentence errors, on a small command. */
class CliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Command(name = "demo", customSynopsis = "usage: demo [--colour NAME] [--loud] FILE...", description = {"Says hello.", ""},
            footer = "Exit status: 0.")
    static final class Demo {
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "files to greet")
        List<String> files = new ArrayList<>();

        @Option(names = "--colour", paramLabel = "NAME", description = {"a colour", "[default red]"})
        String colour = "red";

        @Option(names = "--loud", description = "shout")
        boolean loud;

        @Mixin
        Cli.HelpOption help;
    }

    private OptionalInt parse(Object command, String... args) {
        return Cli.parse(command, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void flagsTakeTheirValueAfterASpaceOrAnEqualsSignAndTheLastOneCounts() {
        Demo d = new Demo();
        assertEquals(OptionalInt.empty(), parse(d, "a.txt", "--colour", "blue", "--loud", "--colour=green", "b.txt"));
        assertEquals("green", d.colour);
        assertEquals(true, d.loud);
        assertEquals(List.of("a.txt", "b.txt"), d.files);
        Demo negative = new Demo();
        assertEquals(OptionalInt.empty(), parse(negative, "--colour", "-5", "-1.5"));
        assertEquals("-5", negative.colour, "a negative number is a value");
        assertEquals(List.of("-1.5"), negative.files);
        assertEquals("", err());
    }

    @Test
    void helpPrintsTheSynopsisTextAndEveryFlagOnStdoutAndExits0() {
        assertEquals(OptionalInt.of(0), parse(new Demo(), "--loud", "--help"));
        assertEquals("""
                usage: demo [--colour NAME] [--loud] FILE...

                Says hello.

                  FILE            files to greet
                  --colour NAME   a colour
                                  [default red]
                  --loud          shout
                  -h, --help      print this help and exit
                Exit status: 0.
                """, out.toString(StandardCharsets.UTF_8));
        assertEquals("", err());
    }

    @Test
    void aMistakeIsOneSentenceOnStderrAndExitStatus2() {
        assertEquals(OptionalInt.of(2), parse(new Demo(), "--color", "blue"));
        assertEquals(OptionalInt.of(2), parse(new Demo(), "--shout"));
        assertEquals(OptionalInt.of(2), parse(new Demo(), "a.txt", "--colour"));
        assertEquals(OptionalInt.of(2), parse(new Demo(), "-x"));
        assertEquals(OptionalInt.of(2), parse(new Demo(), "--colour", "--lodu"));
        assertEquals(List.of(
                "error: unknown flag --color: did you mean --colour?",
                "error: unknown flag --shout: use --colour, --loud or --help",
                "error: flag --colour needs a value",
                "error: unknown flag -x: use --colour, --loud or --help",
                "error: flag --colour needs a value"), err().lines().toList());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCommandThatStopsAtItsFirstParameterLeavesTheRestToTheNextCommand() {
        Demo d = new Demo();
        picocli.CommandLine line = Cli.commandLine(d).setStopAtPositional(true);
        assertEquals(OptionalInt.empty(), Cli.parse(line, new String[] {"--loud", "train", "--model", "cnn", "--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(List.of("train", "--model", "cnn", "--help"), d.files);
        assertEquals("", out.toString(StandardCharsets.UTF_8) + err());
    }

    @Test
    void aTrialSettingsNameLeadsToItsFlag() {
        assertEquals(OptionalInt.of(2), Cli.parse(TrainCommand.commandLine(), new String[] {"--learning_rate", "0.1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("error: unknown flag --learning_rate: did you mean --lr?\n", err());
    }

    @Test
    void aSettingIsAFlagWithAnySeparatorBetweenItsWords() {
        assertEquals(Set.of("--plan-link-latency-us", "--plan-link-latency_us", "--plan-link_latency-us", "--plan-link_latency_us",
                "--plan.link-latency-us", "--plan.link-latency_us", "--plan.link_latency-us", "--plan.link_latency_us",
                "--plan_link-latency-us", "--plan_link-latency_us", "--plan_link_latency-us", "--plan_link_latency_us"),
                Cli.spellings("plan.link_latency_us"));
        assertEquals("--plan-link-latency-us", Cli.spellings("plan.link_latency_us").iterator().next(), "the dashes come first");
        assertEquals(List.of("--epochs"), List.copyOf(Cli.spellings("epochs")));
        assertEquals(Setting.ALL.size(), Cli.settingOptions().size());
        for (var option : Cli.settingOptions()) {
            assertTrue(option.names()[0].matches("--[a-z0-9-]+"), option.names()[0]);
        }
    }
}
