package org.layerpipe.jobs.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.layerpipe.core.text.Table;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.TrialRow;

/**
 * A sweep's results read the way a paper's results section reads them: trials grouped into
 * variants (every setting of the trials table except the seed), each variant's final test
 * accuracy as a mean over seeds with a 95 % Student-t interval, the paired (same-seed)
 * differences to weight stashing and to SEQUENTIAL with theirs, the costs (throughput, weight
 * history, activations) and the EMA's reconstruction error against the pipeline depth M, and
 * a short reading per question that says plainly when a difference is within noise.
 *
 * @param markdown {@code report.md}
 * @param figures  PNG file name → bytes, linked from the markdown by name
 */
public record Report(String markdown, Map<String, byte[]> figures) {

    public static final String MARKDOWN = "report.md";

    /** The settings that make a variant, in the order labels use them (the trials table's columns). */
    private static final List<String> SETTINGS = List.of("schedule", "weights", "partition", "model", "data", "microbatches", "lr",
            "lr_schedule", "lr_warmup", "momentum", "weight_decay", "batch_size", "epochs", "precision");

    public Report {
        figures = Map.copyOf(new LinkedHashMap<>(figures));
    }

    /** report.md and the figures, by file name. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MARKDOWN, markdown.getBytes(StandardCharsets.UTF_8));
        files.putAll(new TreeMap<>(figures));
        return files;
    }

    /** Writes {@link #files()} into {@code folder} (any Hadoop path), replacing earlier ones. */
    public void write(String folder) {
        Path dir = new Path(folder);
        // an instance of our own: the checksum switch must not reach the JVM's shared (cached) one
        try (FileSystem fs = FileSystem.newInstance(dir.toUri(), new Configuration())) {
            fs.setWriteChecksum(false); // no .crc files beside report.md on a local disk
            fs.mkdirs(dir);
            for (Map.Entry<String, byte[]> f : files().entrySet()) {
                try (OutputStream out = fs.create(new Path(dir, f.getKey()), true)) {
                    out.write(f.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + folder + ": " + e.getMessage(), e);
        }
    }

    /** One variant: its settings and its finished trials, one per seed. */
    record Variant(Map<String, String> settings, int stages, String label, String series, Map<Long, TrialRow> bySeed) {

        String schedule() {
            return settings.get("schedule");
        }

        /** The weight-mode label ({@code stash}, {@code ema-pa}, ...); empty when the table has none. */
        String weights() {
            return Objects.requireNonNullElse(settings.get("weights"), "");
        }

        boolean sequential() {
            return "sequential".equals(schedule());
        }

        Interval accuracy() {
            return Interval.of(bySeed.values().stream().map(TrialRow::finalTestAccuracy).toList());
        }
    }

    /** A same-seed difference of final test accuracy, {@code variant − base}. */
    record Paired(Variant variant, Variant base, String against, Interval diff) {
    }

    /** Builds the report; {@code source} names where the rows came from (a folder, an experiment). */
    public static Report of(String source, List<TrialRow> trialRows, List<EpochRow> epochRows) {
        return new Builder(source, trialRows, epochRows).build();
    }

    private static final class Builder {
        private final String source;
        private final List<TrialRow> all;
        private final Map<String, List<EpochRow>> epochsByRun = new LinkedHashMap<>();
        private final List<Variant> variants = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, byte[]> figures = new LinkedHashMap<>();
        private final StringBuilder md = new StringBuilder();
        /** Planned trials: predictions, not runs; the report compares trained trials only. */
        private int planned;

        Builder(String source, List<TrialRow> trials, List<EpochRow> epochs) {
            this.source = source;
            // one row per trial id: an experiment exported from MLflow can hold the same trial in several sweeps
            Map<String, TrialRow> unique = new LinkedHashMap<>();
            for (TrialRow t : trials) {
                if (t.planned()) {
                    planned++;
                    continue;
                }
                TrialRow seen = unique.get(t.trialId());
                if (seen == null || !finished(seen) && finished(t)) {
                    unique.put(t.trialId(), t);
                }
            }
            this.all = new ArrayList<>(unique.values());
            for (EpochRow e : epochs) {
                epochsByRun.computeIfAbsent(runKey(e.runId(), e.trialId()), k -> new ArrayList<>()).add(e);
            }
            epochsByRun.values().forEach(l -> l.sort(Comparator.comparingInt(EpochRow::epoch)));
            group();
        }

        private static boolean finished(TrialRow t) {
            return "FINISHED".equals(t.status());
        }

        private static String runKey(String runId, String trialId) {
            return runId + "/" + trialId;
        }

        private List<EpochRow> epochs(TrialRow t) {
            return epochsByRun.getOrDefault(runKey(t.runId(), t.trialId()), List.of());
        }

        private static Map<String, String> settings(TrialRow t) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("schedule", t.schedule());
            m.put("weights", t.weightsLabel());
            m.put("partition", t.partitionResolved() != null && !t.partitionResolved().isEmpty() ? t.partitionResolved() : t.partition());
            m.put("model", t.model());
            m.put("data", t.data());
            m.put("microbatches", String.valueOf(t.microbatches()));
            m.put("lr", num(t.lr()));
            m.put("lr_schedule", t.lrSchedule());
            m.put("lr_warmup", num(t.lrWarmup()));
            m.put("momentum", num(t.momentum()));
            m.put("weight_decay", num(t.weightDecay()));
            m.put("batch_size", String.valueOf(t.batchSize()));
            m.put("epochs", String.valueOf(t.epochs()));
            m.put("precision", t.precision());
            return m;
        }

        private void group() {
            Map<Map<String, String>, List<TrialRow>> groups = new LinkedHashMap<>();
            for (TrialRow t : all) {
                if (finished(t)) {
                    groups.computeIfAbsent(settings(t), k -> new ArrayList<>()).add(t);
                }
            }
            // which settings tell variants apart: only those go into labels
            Set<String> varying = new LinkedHashSet<>();
            for (String key : SETTINGS) {
                if (groups.keySet().stream().map(s -> s.get(key)).distinct().count() > 1) {
                    varying.add(key);
                }
            }
            boolean partitionsBeyondM = groups.keySet().stream()
                    .collect(Collectors.groupingBy(s -> stagesOf(s.get("partition")), Collectors.mapping(s -> s.get("partition"),
                            Collectors.toSet())))
                    .values().stream().anyMatch(p -> p.size() > 1);
            for (Map.Entry<Map<String, String>, List<TrialRow>> g : groups.entrySet()) {
                Map<String, String> s = g.getKey();
                Map<Long, TrialRow> bySeed = new TreeMap<>();
                for (TrialRow t : g.getValue()) {
                    if (bySeed.putIfAbsent(t.seed(), t) != null) {
                        warnings.add("trials " + bySeed.get(t.seed()).trialId() + " and " + t.trialId() + " share seed " + t.seed()
                                + " and every setting in the trials table: they differ in a setting the table does not hold"
                                + " (data limits, activations, ...); only the first is used");
                    }
                }
                StringBuilder series = new StringBuilder("sequential".equals(s.get("schedule")) ? "sequential"
                        : s.get("schedule") + " · " + s.get("weights"));
                for (String key : varying) {
                    if (!key.equals("schedule") && !key.equals("weights") && !key.equals("partition")) {
                        series.append(" · ").append(key).append('=').append(s.get(key));
                    }
                }
                int m = stagesOf(s.get("partition"));
                String label = series + " · M=" + m + (partitionsBeyondM ? " " + s.get("partition") : "");
                variants.add(new Variant(s, m, label, series.toString(), bySeed));
            }
            variants.sort(Comparator.comparing(Variant::series).thenComparingInt(Variant::stages).thenComparing(Variant::label));
        }

        private static int stagesOf(String partition) {
            return partition == null || !partition.startsWith("[") ? 0 : partition.split(",").length;
        }

        Report build() {
            long finished = all.stream().filter(Builder::finished).count();
            Set<Long> seeds = new TreeSet<>();
            variants.forEach(v -> seeds.addAll(v.bySeed().keySet()));
            md.append("# Sweep report\n\n");
            md.append("Results: `").append(source).append("`. ").append(all.size()).append(" trial(s), ").append(finished)
                    .append(" finished; ").append(variants.size()).append(" variant(s) (a variant is every setting in the trials")
                    .append(" table except the seed); seeds ").append(seeds).append(".\n");
            md.append("Intervals are 95 % Student-t intervals over seeds (mean ± t(0.975, n−1)·sd/√n); a difference whose")
                    .append(" interval contains 0 is within noise. Differences are in accuracy points (0.01 = 1 point).\n\n");
            List<TrialRow> failed = all.stream().filter(t -> !finished(t)).toList();
            if (!failed.isEmpty()) {
                md.append("Not counted (did not finish): ");
                md.append(failed.stream().map(t -> t.runName() + " seed " + t.seed() + " (" + t.status() + ")")
                        .collect(Collectors.joining(", "))).append(".\n\n");
            }
            if (planned > 0) {
                md.append(planned).append(" planned trial(s) (plan: true) are predictions, not runs, and are left out here: the")
                        .append(" predicted_* columns of the trials table and the \"Pipeline cost\" note compare them.\n\n");
            }
            warnings.forEach(w -> md.append("Note: ").append(w).append(".\n\n"));
            if (variants.isEmpty()) {
                md.append("No trial finished: there is nothing to compare.\n");
                return new Report(md.toString(), figures);
            }
            List<Paired> paired = paired();
            accuracySection(paired);
            costSection();
            reconstructionSection();
            readings(paired);
            return new Report(md.toString(), figures);
        }

        // ---- accuracy -------------------------------------------------------------------------

        private void accuracySection(List<Paired> paired) {
            md.append("## Test accuracy\n\n");
            List<Charts.Series> curves = new ArrayList<>();
            for (Variant v : variants) {
                TreeMap<Integer, List<Double>> byEpoch = new TreeMap<>();
                for (TrialRow t : v.bySeed().values()) {
                    for (EpochRow e : epochs(t)) {
                        if (Double.isFinite(e.testAccuracy())) {
                            byEpoch.computeIfAbsent(e.epoch(), k -> new ArrayList<>()).add(e.testAccuracy());
                        }
                    }
                }
                double[] x = new double[byEpoch.size()];
                double[] y = new double[x.length];
                double[] w = new double[x.length];
                int i = 0;
                for (Map.Entry<Integer, List<Double>> e : byEpoch.entrySet()) {
                    Interval ci = Interval.of(e.getValue());
                    x[i] = e.getKey();
                    y[i] = ci.mean();
                    w[i++] = ci.halfWidth();
                }
                curves.add(new Charts.Series(v.label(), x, y, w));
            }
            figure("test_accuracy_vs_epoch.png", "Test accuracy vs epoch (mean over seeds, 95 % band)", "epoch", "test accuracy",
                    curves, Charts.Spread.BAND);

            Table table = new Table("variant", "M", "seeds", "final test acc", "95 % CI", "sd", "per seed");
            for (Variant v : variants) {
                Interval a = v.accuracy();
                table.row(v.label(), String.valueOf(v.stages()), String.valueOf(a.n()), f(a.mean(), 4), ci(a, 4), f(a.sd(), 4),
                        v.bySeed().entrySet().stream().map(e -> e.getKey() + ": " + f(e.getValue().finalTestAccuracy(), 4))
                                .collect(Collectors.joining(", ")));
            }
            md.append("Final test accuracy per variant and pipeline depth M:\n\n").append(table.markdown()).append('\n');
            figure("final_accuracy_vs_stages.png", "Final test accuracy vs pipeline depth (mean, 95 % CI)", "stages (M)",
                    "test accuracy", seriesVsStages(v -> v.accuracy().mean(), v -> v.accuracy().halfWidth()), Charts.Spread.BARS);

            if (paired.isEmpty()) {
                md.append("No paired comparison: the sweep has no STASH or SEQUENTIAL variant to compare with.\n\n");
                return;
            }
            Table diffs = new Table("variant", "minus", "pairs", "Δ points", "95 % CI (points)", "within noise");
            for (Paired p : paired) {
                Interval d = p.diff();
                diffs.row(p.variant().label(), p.against(), String.valueOf(d.n()), f(100 * d.mean(), 2), ciPoints(d),
                        Double.isNaN(d.halfWidth()) ? "unknown (1 seed)" : d.containsZero() ? "yes" : "no");
            }
            md.append("Paired differences (same seed), variant minus STASH at the same schedule and partition, and minus")
                    .append(" SEQUENTIAL:\n\n").append(diffs.markdown()).append('\n');
        }

        private List<Paired> paired() {
            List<Paired> out = new ArrayList<>();
            for (Variant v : variants) {
                if (v.sequential()) {
                    continue;
                }
                if (!"stash".equals(v.weights())) {
                    variants.stream().filter(b -> "stash".equals(b.weights()) && sameExcept(b, v, Set.of("weights"))).findFirst()
                            .flatMap(b -> pair(v, b, "stash")).ifPresent(out::add);
                }
                Set<String> free = Set.of("schedule", "weights", "partition", "microbatches");
                variants.stream().filter(b -> b.sequential() && sameExcept(b, v, free))
                        .min(Comparator.comparing(b -> b.settings().get("partition").equals(v.settings().get("partition")) ? 0 : 1))
                        .flatMap(b -> pair(v, b, "sequential")).ifPresent(out::add);
            }
            return out;
        }

        private static boolean sameExcept(Variant a, Variant b, Set<String> free) {
            for (String key : SETTINGS) {
                if (!free.contains(key) && !Objects.equals(a.settings().get(key), b.settings().get(key))) {
                    return false;
                }
            }
            return true;
        }

        private static Optional<Paired> pair(Variant v, Variant base, String against) {
            List<Double> d = new ArrayList<>();
            for (Map.Entry<Long, TrialRow> e : v.bySeed().entrySet()) {
                TrialRow b = base.bySeed().get(e.getKey());
                if (b != null) {
                    d.add(e.getValue().finalTestAccuracy() - b.finalTestAccuracy());
                }
            }
            return d.isEmpty() ? Optional.empty() : Optional.of(new Paired(v, base, against, Interval.of(d)));
        }

        // ---- costs ----------------------------------------------------------------------------

        private void costSection() {
            md.append("## Throughput and memory vs pipeline depth\n\n");
            Table table = new Table("weight mode", "M", "seeds", "samples/s", "95 % CI", "weight history", "peak activations");
            for (Variant v : variants) {
                Interval s = interval(v, TrialRow::samplesPerSecond);
                table.row(v.series(), String.valueOf(v.stages()), String.valueOf(s.n()), f(s.mean(), 0), ci(s, 0),
                        mib(interval(v, t -> t.historyBytes()).mean()), mib(interval(v, t -> t.activationBytes()).mean()));
            }
            md.append(table.markdown()).append('\n');
            md.append("Memory is per trial, summed over stages, the largest over epochs; samples/s is the mean over epochs.\n\n");
            figure("throughput_vs_stages.png", "Throughput vs pipeline depth (mean, 95 % CI)", "stages (M)", "samples/s",
                    seriesVsStages(v -> interval(v, TrialRow::samplesPerSecond).mean(),
                            v -> interval(v, TrialRow::samplesPerSecond).halfWidth()), Charts.Spread.BARS);
            figure("weight_history_vs_stages.png", "Weight-history memory vs pipeline depth", "stages (M)", "MiB",
                    seriesVsStages(v -> interval(v, t -> t.historyBytes()).mean() / MIB, v -> Double.NaN), Charts.Spread.BARS);
            figure("activations_vs_stages.png", "Peak activation memory vs pipeline depth", "stages (M)", "MiB",
                    seriesVsStages(v -> interval(v, t -> t.activationBytes()).mean() / MIB, v -> Double.NaN), Charts.Spread.BARS);
        }

        private static Interval interval(Variant v, ToDoubleFunction<TrialRow> metric) {
            return Interval.of(v.bySeed().values().stream().map(metric::applyAsDouble).toList());
        }

        /** One series per weight mode (series key), x = M, the variants of equal M averaged. */
        private List<Charts.Series> seriesVsStages(ToDoubleFunction<Variant> y, ToDoubleFunction<Variant> spread) {
            Map<String, TreeMap<Integer, double[]>> bySeries = new TreeMap<>();
            for (Variant v : variants) {
                double value = y.applyAsDouble(v);
                if (Double.isFinite(value)) {
                    bySeries.computeIfAbsent(v.series(), k -> new TreeMap<>()).merge(v.stages(),
                            new double[] {value, spread.applyAsDouble(v), 1},
                            (a, b) -> new double[] {a[0] + b[0], Math.max(a[1], b[1]), a[2] + b[2]});
                }
            }
            List<Charts.Series> out = new ArrayList<>();
            bySeries.forEach((name, points) -> {
                double[] x = points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                double[] yy = points.values().stream().mapToDouble(p -> p[0] / p[2]).toArray();
                double[] w = points.values().stream().mapToDouble(p -> p[1]).toArray();
                out.add(new Charts.Series(name, x, yy, w));
            });
            return out;
        }

        // ---- reconstruction -------------------------------------------------------------------

        private final Map<Variant, double[]> stageErrors = new LinkedHashMap<>();

        private void reconstructionSection() {
            md.append("## EMA reconstruction error vs pipeline depth\n\n");
            md.append("‖Ŵ − W_true‖ / ‖W_true − W_now‖ at the last epoch, measured against a shadow stash (`ema.shadow: true`),")
                    .append(" per **stage** (the whole stage's weights) and below per **block** (each block's own weights; every")
                    .append(" block of a stage has the same delay, but not the same updates). The last stage has no delay and no")
                    .append(" error.\n\n");
            Table table = new Table("EMA variant", "M", "seeds", "error per stage (mean over seeds)", "trial mean");
            Map<String, TreeMap<Integer, List<Double>>> chart = new TreeMap<>();
            for (Variant v : variants) {
                if (!v.weights().startsWith("ema")) {
                    continue;
                }
                double[] sum = new double[v.stages()];
                int[] count = new int[v.stages()];
                for (TrialRow t : v.bySeed().values()) {
                    List<EpochRow> es = epochs(t);
                    if (es.isEmpty()) {
                        continue;
                    }
                    double[] err = es.get(es.size() - 1).stageReconstructionError();
                    for (int s = 0; s < Math.min(err.length, sum.length); s++) {
                        if (Double.isFinite(err[s])) {
                            sum[s] += err[s];
                            count[s]++;
                        }
                    }
                }
                double[] mean = new double[sum.length];
                boolean any = false;
                for (int s = 0; s < mean.length; s++) {
                    mean[s] = count[s] == 0 ? Double.NaN : sum[s] / count[s];
                    any |= count[s] > 0;
                    if (count[s] > 0) {
                        chart.computeIfAbsent(v.series() + " · stage " + s, k -> new TreeMap<>())
                                .computeIfAbsent(v.stages(), k -> new ArrayList<>()).add(mean[s]);
                    }
                }
                if (!any) {
                    continue;
                }
                stageErrors.put(v, mean);
                StringBuilder cells = new StringBuilder();
                for (int s = 0; s < mean.length; s++) {
                    cells.append(s == 0 ? "" : ", ").append(s).append(": ").append(f(mean[s], 4));
                }
                Interval whole = interval(v, TrialRow::reconstructionError);
                table.row(v.label(), String.valueOf(v.stages()), String.valueOf(v.bySeed().size()), cells.toString(), f(whole.mean(), 4));
            }
            if (table.size() == 0) {
                md.append("No EMA trial measured its reconstruction error (set `ema.shadow: true` to measure it).\n\n");
                return;
            }
            md.append(table.markdown()).append('\n');
            List<Charts.Series> series = new ArrayList<>();
            chart.forEach((name, points) -> series.add(new Charts.Series(name,
                    points.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                    points.values().stream().mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN))
                            .toArray(), null)));
            figure("reconstruction_error_vs_stages.png", "EMA reconstruction error vs pipeline depth, per stage", "stages (M)",
                    "relative error", series, Charts.Spread.BARS);
            blockTable();
        }

        /** The same error per block with weights: mean over seeds at the last epoch (trials from before it was measured have none). */
        private void blockTable() {
            Table table = new Table("EMA variant", "M", "error per block (block: mean over seeds)");
            for (Variant v : stageErrors.keySet()) {
                TreeMap<Integer, List<Double>> perBlock = new TreeMap<>();
                for (TrialRow t : v.bySeed().values()) {
                    List<EpochRow> es = epochs(t);
                    double[] err = es.isEmpty() || es.get(es.size() - 1).blockReconstructionError() == null ? new double[0]
                            : es.get(es.size() - 1).blockReconstructionError();
                    for (int b = 0; b < err.length; b++) {
                        if (Double.isFinite(err[b])) {
                            perBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(err[b]);
                        }
                    }
                }
                if (perBlock.isEmpty()) {
                    continue;
                }
                List<String> cells = new ArrayList<>();
                perBlock.forEach((b, errs) -> cells.add(b + ": " + f(errs.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), 4)));
                table.row(v.label(), String.valueOf(v.stages()), String.join(", ", cells));
            }
            if (table.size() > 0) {
                md.append("Per block (blocks without weights and the last stage's are never stale and are left out):\n\n")
                        .append(table.markdown()).append('\n');
            }
        }

        // ---- readings -------------------------------------------------------------------------

        private void readings(List<Paired> paired) {
            md.append("## Reading\n\n");
            reading("Does EMA reconstruction train as well as weight stashing?",
                    paired.stream().filter(p -> p.against().equals("stash") && p.variant().weights().startsWith("ema")).toList(),
                    "the sweep has no EMA variant paired with a STASH variant of the same schedule and partition");
            reading("How much does the uncorrected LATEST baseline lose against stashing?",
                    paired.stream().filter(p -> p.against().equals("stash") && p.variant().weights().equals("latest")).toList(),
                    "the sweep has no LATEST variant paired with a STASH variant");
            reading("What does pipelining cost against plain SEQUENTIAL SGD?",
                    paired.stream().filter(p -> p.against().equals("sequential")).toList(),
                    "the sweep has no SEQUENTIAL variant with the same settings and seeds");
            costReading();
            if (!stageErrors.isEmpty()) {
                StringBuilder sb = new StringBuilder("**How close is the EMA's reconstruction?** At the most delayed stage (stage 0): ");
                List<String> parts = new ArrayList<>();
                stageErrors.forEach((v, err) -> parts.add(v.label() + " " + f(err[0], 3)));
                sb.append(String.join("; ", parts)).append(". An error of 1 means the reconstruction is as far from the true")
                        .append(" old weights as the current weights are (no better than LATEST); 0 is exact.\n\n");
                md.append(sb);
            }
        }

        private void reading(String question, List<Paired> pairs, String missing) {
            md.append("**").append(question).append("** ");
            if (pairs.isEmpty()) {
                md.append("Cannot say: ").append(missing).append(".\n\n");
                return;
            }
            List<String> sentences = new ArrayList<>();
            int noise = 0;
            int unknown = 0;
            for (Paired p : pairs) {
                Interval d = p.diff();
                String what = p.variant().label() + " minus " + p.against() + ": " + signed(100 * d.mean()) + " points";
                if (Double.isNaN(d.halfWidth())) {
                    unknown++;
                    sentences.add(what + " from one seed, no interval");
                } else {
                    String range = " (95 % CI " + signed(100 * d.low()) + " to " + signed(100 * d.high()) + ", " + d.n() + " seeds)";
                    if (d.containsZero()) {
                        noise++;
                        sentences.add(what + range + ": within noise");
                    } else {
                        sentences.add(what + range + ": " + (d.mean() < 0 ? "lower" : "higher") + ", outside noise");
                    }
                }
            }
            md.append(String.join("; ", sentences)).append(". ");
            if (unknown == pairs.size()) {
                md.append("With one seed nothing can be told from noise: add a `seed` axis with several values.");
            } else if (noise == pairs.size() - unknown) {
                md.append("Every difference with an interval is within noise: these seeds cannot tell the variants apart.");
            } else if (noise == 0) {
                md.append("Every difference with an interval is outside noise.");
            } else {
                md.append(noise).append(" of ").append(pairs.size() - unknown).append(" differences are within noise; the rest are not.");
            }
            md.append("\n\n");
        }

        private void costReading() {
            md.append("**What does each weight mode cost as M grows?** ");
            List<String> parts = new ArrayList<>();
            Map<String, List<Variant>> bySeries = variants.stream().collect(Collectors.groupingBy(Variant::series, TreeMap::new,
                    Collectors.toList()));
            bySeries.forEach((series, vs) -> {
                String points = vs.stream().sorted(Comparator.comparingInt(Variant::stages))
                        .map(v -> "M=" + v.stages() + " " + f(interval(v, TrialRow::samplesPerSecond).mean(), 0) + " samples/s, history "
                                + mib(interval(v, t -> t.historyBytes()).mean()))
                        .collect(Collectors.joining(", "));
                parts.add(series + ": " + points);
            });
            md.append(String.join("; ", parts)).append(". Throughput is one run per seed on a shared machine: compare it only")
                    .append(" within one sweep (timings move by tens of percent between a loaded and an idle machine).\n\n");
        }

        private void figure(String name, String title, String x, String y, List<Charts.Series> series, Charts.Spread spread) {
            if (series.stream().noneMatch(s -> Arrays.stream(s.y()).anyMatch(Double::isFinite))) {
                return;
            }
            figures.put(name, Charts.lines(title, x, y, series, spread));
            md.append("![").append(title).append("](").append(name).append(")\n\n");
        }
    }

    private static final double MIB = 1024.0 * 1024.0;

    static String f(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.2f", v).replace('-', '−');
    }

    private static String ci(Interval i, int digits) {
        return Double.isNaN(i.halfWidth()) ? "- (1 seed)"
                : "± " + f(i.halfWidth(), digits) + " [" + f(i.low(), digits) + ", " + f(i.high(), digits) + "]";
    }

    private static String ciPoints(Interval i) {
        return Double.isNaN(i.halfWidth()) ? "- (1 seed)"
                : "± " + f(100 * i.halfWidth(), 2) + " [" + f(100 * i.low(), 2) + ", " + f(100 * i.high(), 2) + "]";
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) ? "-" : String.format(Locale.ROOT, "%.2f MiB", bytes / MIB);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
