package org.layerpipe.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement in a child JVM, as {@link Measure} prints it on a line
 * {@code RESULT weights=… samples_per_second=… …} and {@link Benchmark} reads it back.
 * {@code NaN} means "not measured" (e.g. no pipeline efficiency for Deeplearning4j's {@code fit}).
 *
 * @param weights              {@code dl4j}, or the pipeline's weight mode label ({@code latest}, {@code ema-pa}, {@code stash})
 * @param samplesPerSecond     training examples per second in the best timed round
 * @param msPerStep            wall milliseconds per minibatch in that round
 * @param efficiency           busy fraction of the busiest stage in that round: 1 means no stage ever waited
 * @param busy                 busy fraction of every stage, comma-separated, or {@code -}
 * @param partition            blocks per stage, e.g. {@code [2,3]}, or {@code -}
 * @param nativeBytesPerStep   growth of the process's resident set per step, after garbage collection ({@link NativeMemory})
 * @param javacppBytesPerStep  growth of JavaCPP's own byte count per step (it does not count ND4J's data buffers)
 * @param nd4jObjectsPerStep   growth of the live ND4J native objects per step: 0 unless arrays leak
 * @param heapBytesPerStep     Java heap allocated per step by the threads that trained
 */
public record Measurement(String weights, double samplesPerSecond, double msPerStep, double efficiency, String busy, String partition,
                          double nativeBytesPerStep, double javacppBytesPerStep, double nd4jObjectsPerStep, double heapBytesPerStep) {

    static final String PREFIX = "RESULT ";

    public Measurement {
        for (String v : new String[] {weights, busy, partition}) {
            if (v == null || v.isEmpty() || v.contains(" ") || v.contains("=")) {
                throw new IllegalArgumentException("measurement fields must be non-empty words without spaces or '=', got '" + v + "'");
            }
        }
    }

    /** This measurement under another label. */
    public Measurement relabeled(String label) {
        return new Measurement(label, samplesPerSecond, msPerStep, efficiency, busy, partition, nativeBytesPerStep, javacppBytesPerStep,
                nd4jObjectsPerStep, heapBytesPerStep);
    }

    /** The line a child prints. */
    public String line() {
        return String.format(Locale.ROOT, "%sweights=%s samples_per_second=%.2f ms_per_step=%.4f efficiency=%.4f busy=%s partition=%s"
                        + " native_bytes_per_step=%.1f javacpp_bytes_per_step=%.1f nd4j_objects_per_step=%.3f heap_bytes_per_step=%.1f",
                PREFIX, weights, samplesPerSecond, msPerStep, efficiency, busy, partition,
                nativeBytesPerStep, javacppBytesPerStep, nd4jObjectsPerStep, heapBytesPerStep);
    }

    /** Reads a line made by {@link #line()}. */
    public static Measurement parse(String line) {
        if (!line.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a measurement line: '" + line + "'");
        }
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring(PREFIX.length()).trim().split(" +")) {
            String[] p = part.split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("measurement line has '" + part + "', not key=value: '" + line + "'");
            }
            kv.put(p[0], p[1]);
        }
        return new Measurement(get(kv, "weights", line), number(kv, "samples_per_second", line), number(kv, "ms_per_step", line),
                number(kv, "efficiency", line), get(kv, "busy", line), get(kv, "partition", line),
                number(kv, "native_bytes_per_step", line), number(kv, "javacpp_bytes_per_step", line),
                number(kv, "nd4j_objects_per_step", line), number(kv, "heap_bytes_per_step", line));
    }

    private static String get(Map<String, String> kv, String key, String line) {
        String v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException("measurement line lacks " + key + ": '" + line + "'");
        }
        return v;
    }

    private static double number(Map<String, String> kv, String key, String line) {
        return Double.parseDouble(get(kv, key, line));
    }
}
