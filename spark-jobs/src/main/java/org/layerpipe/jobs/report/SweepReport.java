package org.layerpipe.jobs.report;

import java.util.List;
import java.util.Locale;

import org.layerpipe.core.text.Table;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.TrialOutcome;

/**
 * The sweep's summary table, one row per trial: printed at the end of a sweep and stored as
 * the parent run's note. The comparison across variants and seeds is the {@link Report}.
 */
public final class SweepReport {

    private SweepReport() {
    }

    /**
     * One row per trial: index, run name, status, final test accuracy, throughput, history memory; a planned
     * trial shows its predicted throughput (marked {@code ~}) and STASH history.
     */
    public static String table(List<TrialOutcome> outcomes) {
        Table table = new Table("#", "trial", "seed", "status", "test acc", "samples/s", "efficiency", "history", "recon err", "time s");
        for (TrialOutcome o : outcomes) {
            TrialRow t = o.trial();
            if (t.planned() && t.predictedSamplesPerSecond() != null) {
                table.row(String.valueOf(t.trialIndex()), t.runName(), "-", t.status(), "-", "~" + Report.f(t.predictedSamplesPerSecond(), 0),
                        Report.f(1 - t.predictedBubble(), 2), mib(t.predictedHistoryBytesStash()), "-", "-");
                continue;
            }
            table.row(String.valueOf(t.trialIndex()), t.runName(), String.valueOf(t.seed()), t.status(), Report.f(t.finalTestAccuracy(), 4),
                    Report.f(t.samplesPerSecond(), 0), Report.f(t.pipelineEfficiency(), 2), mib(t.historyBytes()),
                    Report.f(t.reconstructionError(), 4), Report.f(t.totalWallSeconds(), 1));
        }
        return table.markdown();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
