package org.layerpipe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.layerpipe.core.data.Batch;
import org.layerpipe.core.data.Batches;
import org.layerpipe.core.data.DataSets;
import org.layerpipe.core.data.Normalization;
import org.layerpipe.core.data.TrainTest;
import org.layerpipe.core.execution.ConcurrentExecutor;
import org.layerpipe.core.execution.LearningRate;
import org.layerpipe.core.execution.RunResult;
import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.nd4j.BlockProfiler;
import org.layerpipe.core.nd4j.Nd4jLayers;
import org.layerpipe.core.nd4j.Nd4jPipeline;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.SgdSettings;
import org.layerpipe.core.train.DataConfig;
import org.layerpipe.core.train.ModelConfig;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One measurement, in a JVM of its own so that thread settings (environment variables) are
 * the process's: {@code Measure dl4j <model> <steps>} times {@code MultiLayerNetwork.fit};
 * {@code Measure pipeline <model> <steps> <stages>} times the pipelined trainer's executor on
 * a balanced partition. Prints one {@code RESULT key=value ...} line.
 */
public final class Measure {

    private static final int BATCH = 64;
    private static final double LR = 0.01;

    private Measure() {
    }

    public static void main(String[] args) {
        String what = args[0];
        String model = args[1];
        int steps = Integer.parseInt(args[2]);
        ModelSpec spec = model(model);
        List<INDArray[]> data = data(spec, steps);
        List<INDArray> init = Nd4jLayers.initialParameters(spec, DataType.FLOAT, 1);
        int warmup = Math.max(3, steps / 10);
        if (what.equals("dl4j")) {
            MultiLayerNetwork net = Nd4jLayers.referenceNetwork(spec, DataType.FLOAT, 1, LR);
            net.setParams(Nd4j.concat(0, init.stream().filter(p -> p.length() > 0).toArray(INDArray[]::new)));
            for (int i = 0; i < warmup; i++) {
                net.fit(data.get(i)[0], data.get(i)[1]);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                net.fit(data.get(i)[0], data.get(i)[1]);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT samples_per_second=%.1f ms_per_step=%.2f%n", steps * BATCH / seconds, seconds * 1000 / steps);
            return;
        }
        int stages = Integer.parseInt(args[3]);
        double[] costs = BlockProfiler.profile(spec, BATCH, DataType.FLOAT, 1);
        Partition partition = BalancedPartitioner.partition(costs, stages);
        int[] delays = new int[stages];
        for (int s = 0; s < stages; s++) {
            delays[s] = ScheduleKind.LAYERPIPE2.delay(partition.stageStagesAfter(s));
        }
        try (Nd4jPipeline pipeline = Nd4jPipeline.build(spec, partition, init, delays, WeightSettings.ema(EmaRule.PIPELINE_AWARE),
                SgdSettings.PLAIN, DataType.FLOAT)) {
            UnitSource<INDArray> units = new UnitSource<>() {
                @Override
                public INDArray input(int unit) {
                    return data.get(unit)[0];
                }

                @Override
                public INDArray labels(int unit) {
                    return data.get(unit)[1];
                }
            };
            ConcurrentExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, stages, warmup, 1), pipeline.stages(), units,
                    LearningRate.constant(LR));
            RunResult r = ConcurrentExecutor.run(Schedule.generate(ScheduleKind.LAYERPIPE2, stages, steps, 1), pipeline.stages(),
                    units, LearningRate.constant(LR));
            double seconds = r.wallNanos() / 1e9;
            double slowest = 0;
            StringBuilder busy = new StringBuilder();
            for (int s = 0; s < stages; s++) {
                slowest = Math.max(slowest, r.busyNanos()[s] / 1e9);
                busy.append(s == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", r.busyFractions()[s]));
            }
            double throughput = steps / seconds;
            System.out.printf(Locale.ROOT, "RESULT samples_per_second=%.1f ms_per_step=%.2f efficiency=%.3f busy=%s partition=%s%n",
                    steps * BATCH / seconds, seconds * 1000 / steps, throughput * slowest / steps, busy, partition.toString().replace(' ', '_'));
        }
    }

    static ModelSpec model(String name) {
        Shape.Image in = new Shape.Image(1, 28, 28);
        return switch (name) {
            case "mlp" -> new ModelConfig("mlp", List.of(256, 128)).build(in, 10);
            case "wide-mlp" -> new ModelConfig("mlp", List.of(1024, 1024, 1024, 1024)).build(in, 10);
            case "cnn" -> new ModelConfig("cnn", List.of()).build(in, 10);
            default -> throw new IllegalArgumentException("unknown benchmark model " + name + ": use mlp, wide-mlp or cnn");
        };
    }

    /** Real Fashion-MNIST minibatches, normalised, as arrays both contenders share. */
    static List<INDArray[]> data(ModelSpec spec, int steps) {
        TrainTest tt = DataSets.load(new DataConfig("fashion-mnist", "", 0, 0, false), new Configuration());
        Normalization norm = Normalization.fit(tt.train());
        List<Batch> batches = Batches.epoch(tt.train(), norm, BATCH, 1, 1, true, false);
        List<INDArray[]> out = new ArrayList<>();
        int warm = Math.max(3, steps / 10);
        for (int i = 0; i < steps + warm; i++) {
            Batch b = batches.get(i % batches.size());
            INDArray x = Nd4j.create(b.features(), new long[] {b.size(), 1, 28, 28}, 'c');
            INDArray y = Nd4j.zeros(DataType.FLOAT, b.size(), 10);
            for (int k = 0; k < b.size(); k++) {
                y.putScalar(k, b.labels()[k], 1.0);
            }
            out.add(new INDArray[] {x, y});
        }
        return out;
    }
}
