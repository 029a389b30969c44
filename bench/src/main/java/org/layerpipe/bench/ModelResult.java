package org.layerpipe.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything measured for one model in one run, and the ratios derived from it. The pipeline
 * at M = 2 ran three times on one partition, once per weight mode; "ours M=2" is the EMA run
 * (the LayerPipe2 setting), LATEST and STASH give the overheads.
 *
 * @param model    {@link BenchModel} name
 * @param batch    minibatch size
 * @param steps    timed steps per round
 * @param rounds   timed rounds per measurement (the best counts)
 * @param dl4j1    {@code MultiLayerNetwork.fit}, 1 thread, or {@code null} when DL4J cannot hold the model
 * @param dl4jN    {@code MultiLayerNetwork.fit}, every core, or {@code null}
 * @param m1       ours, one stage, EMA (nothing is stale at M = 1), the faster of one thread and every core
 * @param m2Latest ours, two stages of one thread each, LATEST weights
 * @param m2Ema    the same, pipeline-aware EMA
 * @param m2Stash  the same, STASH
 * @param m2Predicted the planner's prediction of M=2 LATEST ({@code plan/Simulator} on the profiled block costs), or null
 */
public record ModelResult(String model, int batch, int steps, int rounds, Measurement dl4j1, Measurement dl4jN,
                          Measurement m1, Measurement m2Latest, Measurement m2Ema, Measurement m2Stash,
                          Measurement m2Predicted) {

    /** Keys every model's JSON object has (others follow them). */
    public static final List<String> REQUIRED_KEYS = List.of("model", "dl4j_1", "dl4j_n", "ours_m1", "ours_m2", "efficiency_m2",
            "m2_over_m1", "ema_overhead", "alloc_bytes_per_step");

    public ModelResult {
        if (m1 == null || m2Latest == null || m2Ema == null || m2Stash == null) {
            throw new IllegalArgumentException("model " + model + " lacks a pipeline measurement: M=1, and M=2 with latest, ema and stash are all needed");
        }
    }

    public double oursM1() {
        return m1.samplesPerSecond();
    }

    public double oursM2() {
        return m2Ema.samplesPerSecond();
    }

    public double m2OverM1() {
        return oursM2() / oursM1();
    }

    /** The faster DL4J setting, or NaN. */
    public double bestDl4j() {
        return Math.max(samples(dl4j1), samples(dl4jN));
    }

    /** Step-time overhead of pipeline-aware EMA over LATEST at M = 2: {@code ms(EMA) / ms(LATEST) − 1}. */
    public double emaOverhead() {
        return m2Ema.msPerStep() / m2Latest.msPerStep() - 1;
    }

    /** Step-time overhead of STASH over LATEST at M = 2. */
    public double stashOverhead() {
        return m2Stash.msPerStep() / m2Latest.msPerStep() - 1;
    }

    /** The figures as one JSON object: {@link #REQUIRED_KEYS} first, then the details. NaN means not measured. */
    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("dl4j_1", samples(dl4j1));
        j.put("dl4j_n", samples(dl4jN));
        j.put("ours_m1", oursM1());
        j.put("ours_m2", oursM2());
        j.put("efficiency_m2", m2Ema.efficiency());
        j.put("m2_over_m1", m2OverM1());
        j.put("ema_overhead", emaOverhead());
        j.put("alloc_bytes_per_step", m2Ema.nativeBytesPerStep());
        j.put("stash_overhead", stashOverhead());
        j.put("m2_over_best_dl4j", oursM2() / bestDl4j());
        j.put("m1_over_best_dl4j", oursM1() / bestDl4j());
        j.put("batch", batch);
        j.put("steps", steps);
        j.put("rounds", rounds);
        j.put("partition_m2", m2Ema.partition());
        j.put("busy_m2", m2Ema.busy());
        j.put("ms_per_step_dl4j_1", dl4j1 == null ? Double.NaN : dl4j1.msPerStep());
        j.put("ms_per_step_dl4j_n", dl4jN == null ? Double.NaN : dl4jN.msPerStep());
        j.put("ms_per_step_m1", m1.msPerStep());
        j.put("ms_per_step_m2", m2Ema.msPerStep());
        j.put("ms_per_step_m2_latest", m2Latest.msPerStep());
        j.put("ms_per_step_m2_stash", m2Stash.msPerStep());
        j.put("predicted_ms_per_step_m2", m2Predicted == null ? Double.NaN : m2Predicted.msPerStep());
        j.put("prediction_error_m2", predictionError());
        j.put("javacpp_bytes_per_step", m2Ema.javacppBytesPerStep());
        j.put("nd4j_objects_per_step", m2Ema.nd4jObjectsPerStep());
        j.put("nd4j_objects_per_step_m1", m1.nd4jObjectsPerStep());
        j.put("heap_bytes_per_step", m2Ema.heapBytesPerStep());
        j.put("alloc_bytes_per_step_m1", m1.nativeBytesPerStep());
        j.put("heap_bytes_per_step_m1", m1.heapBytesPerStep());
        j.put("alloc_bytes_per_step_dl4j_1", dl4j1 == null ? Double.NaN : dl4j1.nativeBytesPerStep());
        j.put("heap_bytes_per_step_dl4j_1", dl4j1 == null ? Double.NaN : dl4j1.heapBytesPerStep());
        j.put("nd4j_objects_per_step_dl4j_1", dl4j1 == null ? Double.NaN : dl4j1.nd4jObjectsPerStep());
        return j;
    }

    /** Predicted over measured M=2 LATEST time per step, minus 1 (NaN without a prediction). */
    public double predictionError() {
        return m2Predicted == null ? Double.NaN : m2Predicted.msPerStep() / m2Latest.msPerStep() - 1;
    }

    /** A row of the throughput table (see {@link #throughputHeader}). */
    public String[] throughputRow() {
        return new String[] {model, String.valueOf(batch), rate(samples(dl4j1)), rate(samples(dl4jN)), rate(oursM1()), rate(oursM2()),
            ratio(oursM2() / bestDl4j()), ratio(m2OverM1()), ratio(oursM1() / bestDl4j()), f(m2Ema.efficiency(), "%.3f"),
            m2Ema.busy(), m2Ema.partition()};
    }

    /** Header of the throughput table, for a machine of {@code cores} cores. */
    public static String[] throughputHeader(int cores) {
        return new String[] {"model", "batch", "dl4j 1 thr", "dl4j " + cores + " thr", "ours M=1 (best thr)", "ours M=2", "M=2 / best dl4j",
            "M=2 / M=1", "M=1 / best dl4j", "efficiency M=2", "busy M=2", "partition M=2"};
    }

    /** Header of the per-step table: milliseconds per step, the weight modes' overheads, memory growth per step (EMA runs). */
    public static String[] stepHeader() {
        return new String[] {"model", "ms/step M=1", "M=2 LATEST", "M=2 EMA", "M=2 STASH", "EMA overhead", "STASH overhead",
            "M=2 LATEST predicted", "prediction error",
            "RSS/step M=1", "RSS/step M=2", "ND4J obj/step M=1", "ND4J obj/step M=2", "heap/step M=2"};
    }

    /** A row of the per-step table (see {@link #stepHeader}). */
    public String[] stepRow() {
        return new String[] {model, f(m1.msPerStep(), "%.1f"), f(m2Latest.msPerStep(), "%.1f"), f(m2Ema.msPerStep(), "%.1f"),
            f(m2Stash.msPerStep(), "%.1f"), percent(emaOverhead()), percent(stashOverhead()),
            m2Predicted == null ? "n/a" : f(m2Predicted.msPerStep(), "%.1f"), percent(predictionError()), bytes(m1.nativeBytesPerStep()),
            bytes(m2Ema.nativeBytesPerStep()), f(m1.nd4jObjectsPerStep(), "%.2f"), f(m2Ema.nd4jObjectsPerStep(), "%.2f"),
            bytes(m2Ema.heapBytesPerStep())};
    }

    private static double samples(Measurement m) {
        return m == null ? Double.NaN : m.samplesPerSecond();
    }

    private static String f(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "n/a";
    }

    /** Samples per second to three significant digits or more: ResNet-18 runs at about 2. */
    private static String rate(double v) {
        return f(v, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f");
    }

    private static String ratio(double v) {
        return Double.isFinite(v) ? f(v, "%.2f") + "x" : "n/a";
    }

    private static String percent(double v) {
        return f(100 * v, "%+.1f%%");
    }

    /** Signed bytes with a binary unit: a reading can go down when the allocator returns pages. */
    static String bytes(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a < 1024) {
            return String.format(Locale.ROOT, "%.0f B", v);
        }
        if (a < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", v / 1024);
        }
        return String.format(Locale.ROOT, "%.1f MiB", v / (1024 * 1024));
    }
}
