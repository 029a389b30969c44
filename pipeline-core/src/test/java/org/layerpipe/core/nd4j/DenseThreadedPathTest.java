package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.execution.ReferenceExecutor;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.optim.SgdSettings;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense layers multiply with OpenBLAS when their stage has more than one native thread and with
 * oneDNN when it has one ({@code NativeOp.blasWhenThreaded}). The test JVM runs one OpenMP thread,
 * so each path trains in a JVM of its own ({@code OMP_NUM_THREADS} 1 and 2): both, with their
 * transposes and accumulation (GPipe's microbatches add into the gradient), must give the same
 * weights up to float rounding, and the two-thread JVM must really have left oneDNN out. Float,
 * because oneDNN has no double gemm: in double both JVMs run OpenBLAS.
 */
class DenseThreadedPathTest {

    @Test
    void oneAndTwoThreadsTrainTheSameWeights() throws Exception {
        String one = child(1);
        String two = child(2);
        assertTrue(one.startsWith("helpers=true "), one);
        assertTrue(two.startsWith("helpers=false "), "with 2 threads the dense matmuls leave oneDNN out: " + two);
        double[] a = weights(one);
        double[] b = weights(two);
        assertEquals(a.length, b.length);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        // float: oneDNN has no double gemm, so only float tells the two paths apart (by rounding)
        assertTrue(diff <= 1e-5, "max |W(1 thread, oneDNN) − W(2 threads, OpenBLAS)| = " + diff);
        assertTrue(diff > 0, "the two JVMs trained bit-identical weights: the dense layers did not switch to OpenBLAS");
    }

    /** Trains in a new JVM with {@code threads} OpenMP threads; its one line: the path taken and the final weights. */
    private static String child(int threads) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(DenseThreadedPathTest.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> l.startsWith("helpers=")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static double[] weights(String line) {
        String[] parts = line.substring(line.indexOf(' ') + 1).split(",");
        double[] w = new double[parts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Double.parseDouble(parts[i]);
        }
        return w;
    }

    /** The child: GPipe with 3 microbatches on a two-stage MLP, float, momentum and weight decay. */
    public static void main(String[] args) {
        // wide enough that the two gemms block their sums differently
        ModelSpec model = org.layerpipe.core.model.Models.mlp(new org.layerpipe.core.model.Shape.Flat(96), 10, 256, 128);
        Partition partition = Partition.of(2, model.numBlocks() - 2);
        TestModels.Data data = TestModels.data(model, 12, 24, 5, DataType.FLOAT);
        NativeOp probe = new NativeOp("matmul", new long[] {0, 0, 0}, 1.0, 0.0).blasWhenThreaded();
        probe.run(Nd4j.ones(DataType.FLOAT, 2, 2), Nd4j.ones(DataType.FLOAT, 2, 2), Nd4j.create(DataType.FLOAT, 2, 2));
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, Nd4jLayers.initialParameters(model, DataType.FLOAT, 3),
                new int[partition.numStages()], WeightSettings.latest(), new SgdSettings(0.9, 1e-3), DataType.FLOAT)) {
            ReferenceExecutor.run(Schedule.generate(ScheduleKind.GPIPE, partition.numStages(), 12, 3), pipeline.stages(), data,
                    LearningRate.constant(0.05));
            INDArray w = pipeline.parameters();
            StringBuilder sb = new StringBuilder("helpers=" + probe.helpersAllowed() + " ");
            for (int i = 0; i < w.length(); i++) {
                sb.append(i == 0 ? "" : ",").append(Double.toString(w.getDouble(i)));
            }
            System.out.println(sb);
        }
    }
}
