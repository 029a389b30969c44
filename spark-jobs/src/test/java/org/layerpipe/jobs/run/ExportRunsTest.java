package org.layerpipe.jobs.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.tracking.InMemoryTracker;

/** What ExportRuns rebuilds from the tracker equals what the sweep itself produced. */
class ExportRunsTest {

    @Test
    void exportedRowsEqualTheSweepsOwn() {
        InMemoryTracker tracker = new InMemoryTracker();
        String sweep = """
                name: export
                experiment: export-test
                base: {model: mlp, model.hidden: "16", data: synthetic, data.train_limit: 256, data.test_limit: 128,
                       batch_size: 32, epochs: 2, partition: "[2,2]", ema.shadow: true}
                axes:
                  weights: [latest, ema]
                  lr: [0.05, 1.0e12]
                """;
        SweepDriver.Outcome own = new SweepDriver(null, tracker,
                new SweepDriver.Options("http://unused", "/tmp/unused", false, 1),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                (task, d) -> TrialRunner.run(task, tracker, 0, List.of())).run(SweepParser.parse("export.yaml", sweep));
        List<TrialOutcome> exported = RunRows.ofExperiment(tracker, "export-test", null);
        assertEquals(own.trials().size(), exported.size());
        for (int i = 0; i < exported.size(); i++) {
            TrialRow a = own.trials().get(i).trial();
            TrialRow b = exported.get(i).trial();
            assertEquals(a.trialId(), b.trialId());
            assertEquals(a.runId(), b.runId());
            assertEquals(a.status(), b.status());
            assertEquals(a.message(), b.message());
            assertEquals(a.partitionResolved(), b.partitionResolved());
            assertEquals(a.epochsCompleted(), b.epochsCompleted());
            assertEquals(a.finalTestAccuracy(), b.finalTestAccuracy(), 0.0);
            assertEquals(a.samplesPerSecond(), b.samplesPerSecond(), 1e-9);
            assertEquals(a.historyBytes(), b.historyBytes());
            List<EpochRow> ea = own.trials().get(i).epochs();
            List<EpochRow> eb = exported.get(i).epochs();
            assertEquals(ea.size(), eb.size());
            for (int e = 0; e < ea.size(); e++) {
                assertEquals(ea.get(e).testLoss(), eb.get(e).testLoss(), 0.0);
                assertArrayEquals(ea.get(e).stageBusy(), eb.get(e).stageBusy(), 0.0);
                assertEquals(ea.get(e).reconstructionError(), eb.get(e).reconstructionError(), 0.0);
            }
        }
    }
}
