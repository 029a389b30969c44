package org.layerpipe.jobs.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.run.TrialOutcome;

/**
 * The sweep's summary: a text table (printed at the end and stored as the parent run's
 * note) and the comparison charts stored as its artifacts.
 */
public final class SweepReport {

    private SweepReport() {
    }

    /** One row per trial: index, run name, status, final test accuracy, throughput, history memory. */
    public static String table(List<TrialOutcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "trial", "status", "test acc", "samples/s", "efficiency", "history", "recon err", "time s"});
        for (TrialOutcome o : outcomes) {
            TrialRow t = o.trial();
            rows.add(new String[] {String.valueOf(t.trialIndex()), t.runName(), t.status(), f(t.finalTestAccuracy(), 4),
                    f(t.samplesPerSecond(), 0), f(t.pipelineEfficiency(), 2), mib(t.historyBytes()), f(t.reconstructionError(), 4),
                    f(t.totalWallSeconds(), 1)});
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < w.length; i++) {
                String c = rows.get(k)[i];
                line.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
            }
            sb.append(line).append('\n');
            if (k == 0) {
                StringBuilder sep = new StringBuilder("|");
                for (int x : w) {
                    sep.append("-".repeat(x + 2)).append('|');
                }
                sb.append(sep).append('\n');
            }
        }
        return sb.toString();
    }

    /** Chart files for the parent run: name → PNG bytes. */
    public static Map<String, byte[]> charts(List<TrialOutcome> outcomes) {
        Map<String, byte[]> charts = new LinkedHashMap<>();
        // test accuracy vs epoch, mean over trials of each weight mode (and schedule when sequential)
        Map<String, Map<Double, double[]>> acc = new TreeMap<>();
        for (TrialOutcome o : outcomes) {
            for (EpochRow e : o.epochs()) {
                String mode = "sequential".equals(e.schedule()) ? "sequential" : e.weightsLabel();
                acc.computeIfAbsent(mode, k -> new TreeMap<>()).merge((double) e.epoch(), new double[] {e.testAccuracy(), 1},
                        (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        List<Charts.Series> accSeries = new ArrayList<>();
        acc.forEach((mode, points) -> accSeries.add(Charts.series(mode, mean(points))));
        charts.put("charts/test_accuracy_vs_epoch.png", Charts.lines("Test accuracy vs epoch, by weight mode", "epoch",
                "test accuracy", accSeries));

        Map<String, Map<Double, double[]>> speed = new TreeMap<>();
        Map<String, Map<Double, double[]>> memory = new TreeMap<>();
        for (TrialOutcome o : outcomes) {
            TrialRow t = o.trial();
            if (!"FINISHED".equals(t.status()) || t.numStages() == 0) {
                continue;
            }
            String mode = "sequential".equals(t.schedule()) ? "sequential" : t.weightsLabel();
            speed.computeIfAbsent(mode, k -> new TreeMap<>()).merge((double) t.numStages(), new double[] {t.samplesPerSecond(), 1},
                    (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            memory.computeIfAbsent(mode, k -> new TreeMap<>()).merge((double) t.numStages(),
                    new double[] {t.historyBytes() / 1048576.0, 1}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
        }
        List<Charts.Series> s1 = new ArrayList<>();
        speed.forEach((mode, points) -> s1.add(Charts.series(mode, mean(points))));
        charts.put("charts/throughput_vs_stages.png", Charts.lines("Throughput vs number of stages", "stages (M)", "samples/s", s1));
        List<Charts.Series> s2 = new ArrayList<>();
        memory.forEach((mode, points) -> s2.add(Charts.series(mode, mean(points))));
        charts.put("charts/weight_memory_vs_stages.png", Charts.lines("Weight-history memory vs number of stages", "stages (M)",
                "MiB", s2));
        return charts;
    }

    private static Map<Double, Double> mean(Map<Double, double[]> sums) {
        Map<Double, Double> m = new TreeMap<>();
        sums.forEach((x, s) -> m.put(x, s[0] / s[1]));
        return m;
    }

    private static String f(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
