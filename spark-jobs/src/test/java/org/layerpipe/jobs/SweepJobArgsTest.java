package org.layerpipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.cli.Cli;

/** The job's command line: what spark-submit passes after the jar; and ExportRuns', the other job of the jar. */
class SweepJobArgsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private SweepJob.Options options(String... argv) {
        SweepJob.Options options = new SweepJob.Options();
        assertEquals(OptionalInt.empty(), Cli.parse(options, argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        return options;
    }

    private int submit(String... argv) {
        return SweepJob.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void optionsAndDefaults() {
        SweepJob.Args a = options("s.yaml", "--tracking-uri", "http://127.0.0.1:5000").args();
        assertEquals("s.yaml", a.sweep());
        assertEquals(Duration.ofMinutes(2), a.trackingRetry());
        assertEquals(Duration.ofSeconds(30), a.journalWait());
        SweepJob.Args b = options("--journal-wait", "120", "s.yaml", "--tracking-uri", "http://h:1",
                "--tracking-retry", "3", "--concurrent-trials", "1", "--force", "--output", "/tmp/o").args();
        assertEquals(Duration.ofSeconds(120), b.journalWait());
        assertEquals(Duration.ofSeconds(3), b.trackingRetry());
        assertEquals(1, b.concurrentTrials());
        assertEquals(true, b.force());
        assertEquals("/tmp/o", b.output());
        // bin/lib/sweep.sh puts its own --journal first and the user's after it: the last one counts; --k=v works too
        SweepJob.Args c = options("s.yaml", "--tracking-uri=http://h:1", "--journal", "/a", "--journal=/b").args();
        assertEquals("/b", c.journal());
        assertEquals("http://h:1", c.trackingUri());
    }

    @Test
    void badNumbersAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> options("s.yaml", "--tracking-uri", "http://h:1", "--journal-wait", "-5").args());
        assertEquals("--journal-wait needs a whole number of at least 0, got '-5'", e.getMessage());
        assertEquals(2, submit("s.yaml", "--tracking-uri", "http://h:1", "--concurrent-trials"));
        assertEquals("error: flag --concurrent-trials needs a value\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void mistakesAreOneSentenceAndStatus2() {
        assertEquals(2, submit("--tracking-uri", "http://h:1"));
        assertEquals(2, submit("a.yaml", "b.yaml", "--tracking-uri", "http://h:1"));
        assertEquals(2, submit("s.yaml", "--ouput", "/tmp/o"));
        assertEquals(2, submit("s.yaml", "--verbose"));
        assertEquals(List.of(
                "error: no sweep file given: " + SweepJob.Options.SYNOPSIS,
                "error: SweepJob takes one sweep file, got 'a.yaml' and 'b.yaml'",
                "error: unknown flag --ouput: did you mean --output?",
                "error: unknown flag --verbose: use --output, --tracking-uri, --force, --journal, --concurrent-trials, --tracking-retry,"
                        + " --journal-wait or --help"), err.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsageAndExits0() {
        assertEquals(0, submit("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith(SweepJob.Options.SYNOPSIS + "\n                [--tracking-retry SECONDS] [--journal-wait SECONDS]\n\n"), help);
        for (String flag : new String[] {"<sweep.yaml>", "--output PATH", "--tracking-uri URI", "--force", "--journal DIR",
            "--concurrent-trials N", "--tracking-retry S", "--journal-wait S", "-h, --help"}) {
            assertTrue(help.contains("\n  " + flag + " "), flag + " in " + help);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exportRunsHasTheSameHelpAndErrors() {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, ExportRuns.run(new String[] {"-h"}, o, e));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith(ExportRuns.USAGE + "\n\n"), help);
        for (String flag : new String[] {"--experiment NAME", "--sweep-id ID", "--output PATH", "--tracking-uri URI", "-h, --help"}) {
            assertTrue(help.contains("\n  " + flag + " "), flag + " in " + help);
        }
        assertEquals(2, ExportRuns.run(new String[] {"--experimnt", "x", "--output", "/tmp/o"}, o, e));
        assertEquals(2, ExportRuns.run(new String[] {"--output", "/tmp/o", "--tracking-uri", "http://h:1"}, o, e));
        assertEquals(List.of("error: unknown flag --experimnt: did you mean --experiment?",
                "error: --experiment, --output and a tracking URI (--tracking-uri or MLFLOW_TRACKING_URI) are required; " + ExportRuns.USAGE),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void speculationIsRefusedBeforeAnythingStarts() {
        String before = System.getProperty("spark.speculation"); // spark-submit passes --conf as system properties
        System.setProperty("spark.speculation", "true");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SweepJob.run(options("/nonexistent/s.yaml", "--tracking-uri", "http://127.0.0.1:1").args()));
            assertEquals(SweepJob.SPECULATION_REFUSED, e.getMessage());
            assertEquals("spark.speculation=true would run a trial in two task attempts at once, each replacing the other's"
                    + " MLflow run: submit with --conf spark.speculation=false", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("spark.speculation");
            } else {
                System.setProperty("spark.speculation", before);
            }
        }
    }
}
