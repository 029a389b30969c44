package org.layerpipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The job's command line: what spark-submit passes after the jar. */
class SweepJobArgsTest {

    @Test
    void optionsAndDefaults() {
        SweepJob.Args a = SweepJob.Args.parse(new String[] {"s.yaml", "--tracking-uri", "http://127.0.0.1:5000"});
        assertEquals("s.yaml", a.sweep());
        assertEquals(Duration.ofMinutes(2), a.trackingRetry());
        assertEquals(Duration.ofSeconds(30), a.journalWait());
        SweepJob.Args b = SweepJob.Args.parse(new String[] {"--journal-wait", "120", "s.yaml", "--tracking-uri", "http://h:1",
                "--tracking-retry", "3", "--concurrent-trials", "1", "--force", "--output", "/tmp/o"});
        assertEquals(Duration.ofSeconds(120), b.journalWait());
        assertEquals(Duration.ofSeconds(3), b.trackingRetry());
        assertEquals(1, b.concurrentTrials());
        assertEquals(true, b.force());
        assertEquals("/tmp/o", b.output());
    }

    @Test
    void badNumbersAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepJob.Args.parse(new String[] {"s.yaml", "--tracking-uri", "http://h:1", "--journal-wait", "-5"}));
        assertEquals("--journal-wait needs a whole number of at least 0, got '-5'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SweepJob.Args.parse(new String[] {"s.yaml", "--tracking-uri", "http://h:1", "--concurrent-trials"}));
        assertEquals("--concurrent-trials needs a value", e.getMessage());
    }

    @Test
    void speculationIsRefusedBeforeAnythingStarts() {
        String before = System.getProperty("spark.speculation"); // spark-submit passes --conf as system properties
        System.setProperty("spark.speculation", "true");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SweepJob.run(SweepJob.Args.parse(new String[] {"/nonexistent/s.yaml", "--tracking-uri", "http://127.0.0.1:1"})));
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
