package org.layerpipe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightMemory;
import org.layerpipe.core.weights.WeightMode;

/**
 * {@code bin/layerpipe bench}: pipelined training against plain Deeplearning4j, measured side
 * by side in one run on this machine and real Fashion-MNIST, and the weight-history memory
 * of ResNet-18. Each measurement runs in a fresh JVM with its own thread settings
 * ({@code OMP_NUM_THREADS}, {@code OMP_WAIT_POLICY=PASSIVE}), so none inherits another's
 * warm caches or thread pools.
 *
 * <p>Flags: {@code --models mlp,wide-mlp,cnn} and {@code --steps N} (scales every model's default step count).
 */
public final class Benchmark {

    private static final Map<String, Integer> DEFAULT_STEPS = Map.of("mlp", 400, "wide-mlp", 60, "cnn", 24);

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of("mlp", "wide-mlp", "cnn");
        double scale = 1.0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = List.of(args[++i].split(","));
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: layerpipe bench [--models mlp,wide-mlp,cnn] [--scale 1.0]");
                    return;
                }
                default -> {
                    System.err.println("error: unknown flag " + args[i] + ": use --models or --scale");
                    System.exit(2);
                }
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "LayerPipe2 benchmark: %d cores, batch 64, float, real Fashion-MNIST, LayerPipe2 schedule with EMA%n%n", cores);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"model", "dl4j 1 thr", "dl4j " + cores + " thr", "ours M=1", "ours M=2", "M=2 / best dl4j",
                "M=2 / M=1", "M=1 / best dl4j", "efficiency M=2", "busy M=2", "partition M=2"});
        for (String model : models) {
            int steps = (int) Math.max(5, Math.round(DEFAULT_STEPS.getOrDefault(model, 50) * scale));
            System.out.println("measuring " + model + " (" + steps + " minibatches per measurement) ...");
            String n = String.valueOf(steps);
            Map<String, String> d1 = child(1, "dl4j", model, n);
            Map<String, String> dn = child(cores, "dl4j", model, n);
            Map<String, String> m1 = child(cores, "pipeline", model, n, "1");
            Map<String, String> m2 = child(Math.max(1, cores / 2), "pipeline", model, n, "2");
            double best = Math.max(num(d1), num(dn));
            rows.add(new String[] {model, f0(num(d1)), f0(num(dn)), f0(num(m1)), f0(num(m2)),
                    f2(num(m2) / best) + "x", f2(num(m2) / num(m1)) + "x", f2(num(m1) / best) + "x",
                    m2.get("efficiency"), m2.get("busy"), m2.get("partition")});
        }
        System.out.println();
        System.out.println("Throughput (samples/s; higher is better):");
        System.out.print(render(rows));
        System.out.println();
        System.out.println("Weight-history memory of ResNet-18 on CIFAR-100 (float, LayerPipe2, partition balanced by estimated MACs):");
        ModelSpec resnet = Models.resnet18(new Shape.Image(3, 32, 32), 100);
        List<String[]> mem = new ArrayList<>();
        mem.add(new String[] {"M", "partition", "STASH", "EMA", "STASH / EMA"});
        for (int m : new int[] {2, 4, 8}) {
            Partition p = BalancedPartitioner.partition(resnet.estimatedCosts(), m);
            long stash = WeightMemory.totalPeakBytes(WeightMode.STASH, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            long ema = WeightMemory.totalPeakBytes(WeightMode.EMA, p, resnet.parameterCounts(), ScheduleKind.LAYERPIPE2, 4);
            mem.add(new String[] {String.valueOf(m), p.toString(), WeightMemory.human(stash), WeightMemory.human(ema), f2((double) stash / ema) + "x"});
        }
        System.out.print(render(mem));
    }

    private static Map<String, String> child(int threads, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=4g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.org.apache.hadoop=error",
                "-cp", System.getProperty("java.class.path"), Measure.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        Map<String, String> result = new HashMap<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith("RESULT ")) {
                    for (String kv : line.substring(7).split(" ")) {
                        String[] parts = kv.split("=", 2);
                        result.put(parts[0], parts[1]);
                    }
                }
            }
        }
        if (p.waitFor() != 0 || result.isEmpty()) {
            throw new IllegalStateException("measurement " + String.join(" ", args) + " failed:\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        }
        return result;
    }

    private static double num(Map<String, String> r) {
        return Double.parseDouble(r.get("samples_per_second"));
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String render(List<String[]> rows) {
        Map<Integer, Integer> w = new LinkedHashMap<>();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w.merge(i, r[i].length(), Math::max);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < r.length; i++) {
                line.append(' ').append(r[i]).append(" ".repeat(w.get(i) - r[i].length())).append(" |");
            }
            sb.append(line).append('\n');
            if (k == 0) {
                StringBuilder sep = new StringBuilder("|");
                for (int i = 0; i < r.length; i++) {
                    sep.append("-".repeat(w.get(i) + 2)).append('|');
                }
                sb.append(sep).append('\n');
            }
        }
        return sb.toString();
    }
}
