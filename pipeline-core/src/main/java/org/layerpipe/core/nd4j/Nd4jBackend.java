package org.layerpipe.core.nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.layerpipe.core.data.Batch;
import org.layerpipe.core.execution.UnitSource;
import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.plan.BlockCosts;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.stage.StageState;
import org.layerpipe.core.train.BackendUnavailableException;
import org.layerpipe.core.train.Evaluation;
import org.layerpipe.core.train.PipelineTrainer;
import org.layerpipe.core.train.Precision;
import org.layerpipe.core.train.TrainingBackend;
import org.layerpipe.core.train.StageSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J backend of the trainer: CPU threads by default; on the CUDA build, the GPUs it is
 * handed, one per stage round-robin (never run here: no GPU on our machines).
 */
public final class Nd4jBackend implements TrainingBackend {

    static {
        NativeRuntime.choose();
    }

    /** CUDA's runtime bindings, whose loading fails where there is no NVIDIA driver. */
    private static final String CUDA_RUNTIME = "org.bytedeco.cuda.global.cudart";
    private static final String CUDA_BACKEND = "org/nd4j/linalg/jcublas/JCublasBackend.class";
    /** The sentence of the first failed start, for every later attempt in this JVM (ND4J cannot start twice). */
    private static volatile BackendUnavailableException startFailure;

    private final List<Integer> gpus;

    /** @throws BackendUnavailableException when ND4J cannot start here (see {@link #start}) */
    public Nd4jBackend() {
        this(List.of());
    }

    /**
     * @param gpus device ids this trial may use (from Spark's resource scheduling or the command line); empty on CPU
     * @throws BackendUnavailableException when ND4J cannot start here (see {@link #start})
     */
    public Nd4jBackend(List<Integer> gpus) {
        start();
        this.gpus = List.copyOf(gpus);
    }

    /**
     * Starts ND4J now, so that a CUDA build on a machine without an NVIDIA driver (or GPU) fails with
     * one sentence ({@link GpuSupport#startFailure}) instead of an {@code ExceptionInInitializerError}
     * wherever ND4J is first touched.
     *
     * @throws BackendUnavailableException saying why and what to use instead
     */
    static void start() {
        if (startFailure != null) {
            throw new BackendUnavailableException(startFailure.getMessage(), startFailure);
        }
        boolean cuda = Nd4jBackend.class.getClassLoader().getResource(CUDA_BACKEND) != null;
        try {
            if (cuda) {
                // ND4J only logs why its CUDA backend is unavailable, then fails with "no backend found" (seen on the
                // CUDA build on a machine without a driver): loading CUDA's runtime first puts the reason in hand.
                Class.forName(CUDA_RUNTIME, true, Nd4jBackend.class.getClassLoader());
            }
            Nd4j.getBackend();
        } catch (LinkageError | RuntimeException e) {
            Optional<String> why = GpuSupport.startFailure(e, cuda);
            if (why.isEmpty()) {
                throw e;
            }
            startFailure = new BackendUnavailableException(why.get(), e);
            throw startFailure;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the CUDA backend is on the classpath but " + CUDA_RUNTIME + " is not: add the"
                    + " org.bytedeco:cuda jars the cuda profile lists", e);
        }
    }

    /** A trainer on this backend. */
    public static PipelineTrainer trainer() {
        return new PipelineTrainer(new Nd4jBackend());
    }

    static DataType dtype(Precision p) {
        return p == Precision.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    static boolean isCuda() {
        return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cuda")
                || Nd4j.getBackend().getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("jcublas");
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());
        if (!isCuda()) {
            String build = Nd4j.getBackend().buildInfo();
            boolean oneDnn = NativeRuntime.oneDnnActive(build);
            m.put("nd4j.natives", oneDnn ? "linux-x86_64-onednn" : "linux-x86_64");
            m.put("nd4j.onednn", String.valueOf(oneDnn));
            String warning = NativeRuntime.fallbackWarning(build);
            if (warning != null) {
                m.put("nd4j.warning", warning);
            }
        }
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        for (String key : new String[] {"blas.vendor", "omp.threads", "cores"}) {
            Object v = env.get(key);
            if (v != null) {
                m.put("nd4j." + key, String.valueOf(v));
            }
        }
        m.put("omp.wait_policy", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
        m.put("device", isCuda() ? "cuda:" + gpuNames(env) : "cpu:" + cpuModel());
        m.put("gpus", gpus.toString());
        return m;
    }

    @Override
    public BlockCosts profile(ModelSpec model, StageSpec spec) {
        ThreadBudget.apply(ThreadBudget.perStage(spec.threads(), 1));
        return BlockProfiler.costs(model, spec.profileBatch(), spec.precision(), spec.seed());
    }

    @Override
    public Run<INDArray> open(ModelSpec model, Partition partition, int[] stageDelays, StageSpec spec) {
        if (isCuda()) {
            List<String> problems = GpuSupport.problems(gpuInfo(Nd4j.getExecutioner().getEnvironmentInformation()));
            if (!problems.isEmpty()) {
                throw new IllegalStateException(problems.get(0));
            }
        }
        DataType dtype = dtype(spec.precision());
        int perStage = ThreadBudget.perStage(spec.threads(), partition.numStages());
        ThreadBudget.apply(perStage);
        List<INDArray> initial = Dl4jImporter.initialParameters(spec.model(), model, dtype, spec.seed());
        Nd4jPipeline pipeline = Nd4jPipeline.build(model, partition, initial,
                stageDelays, spec.weights(), spec.sgd(), dtype, spec.activations());
        return new Nd4jRun(pipeline, dtype, perStage);
    }

    private final class Nd4jRun implements Run<INDArray> {
        private final Nd4jPipeline pipeline;
        private final DataType dtype;
        private final int perStage;

        Nd4jRun(Nd4jPipeline pipeline, DataType dtype, int perStage) {
            this.pipeline = pipeline;
            this.dtype = dtype;
            this.perStage = perStage;
        }

        @Override
        public List<? extends Stage<INDArray>> stages() {
            return pipeline.stages();
        }

        @Override
        public UnitSource<INDArray> units(List<Batch> batches, int microbatches) {
            return new Nd4jUnits(batches, microbatches, (Shape.Image) pipeline.model().input(), pipeline.model().numClasses(), dtype);
        }

        @Override
        public Evaluation evaluate(List<Batch> batches) {
            Shape.Image shape = (Shape.Image) pipeline.model().input();
            double lossSum = 0;
            long correct = 0;
            long n = 0;
            for (Batch b : batches) {
                double[][] probabilities = pipeline.predict(Nd4jUnits.features(b, shape, dtype)).toDoubleMatrix();
                for (int i = 0; i < b.size(); i++) {
                    double[] p = probabilities[i];
                    int argmax = 0;
                    for (int c = 1; c < p.length; c++) {
                        if (p[c] > p[argmax]) {
                            argmax = c;
                        }
                    }
                    // the same floor DL4J's cross-entropy applies to log(0)
                    lossSum -= Math.log(Math.max(p[b.labels()[i]], 1e-10));
                    correct += argmax == b.labels()[i] ? 1 : 0;
                }
                n += b.size();
            }
            return new Evaluation(n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) correct / n, n);
        }

        @Override
        public void initWorker(int stage) {
            ThreadBudget.apply(perStage);
            if (!gpus.isEmpty()) {
                // On the CPU backend this does nothing (BasicAffinityManager.unsafeSetDevice is empty, checked
                // in M2.1), so GPU ids that Spark's scheduler hands a CPU build are harmless.
                Nd4j.getAffinityManager().unsafeSetDevice(gpus.get(stage % gpus.size()));
            }
        }

        @Override
        public long drainPeakActivationBytes() {
            long sum = 0;
            for (Nd4jStage s : pipeline.stages()) {
                sum += s.drainPeakActivationBytes();
            }
            return sum;
        }

        @Override
        public List<StageState> snapshot() {
            return pipeline.stages().stream().map(Nd4jStage::snapshot).toList();
        }

        @Override
        public void restore(List<StageState> states) {
            if (states.size() != pipeline.stages().size()) {
                throw new IllegalArgumentException("the checkpoint has " + states.size() + " stages, the trial has "
                        + pipeline.stages().size());
            }
            for (int s = 0; s < states.size(); s++) {
                pipeline.stages().get(s).restore(states.get(s));
            }
        }

        @Override
        public void close() {
            pipeline.close();
        }
    }

    /** GPUs as ND4J's CUDA executioner describes them (key names of its environment information). */
    @SuppressWarnings("unchecked")
    static List<GpuSupport.Gpu> gpuInfo(Properties env) {
        List<GpuSupport.Gpu> gpus = new ArrayList<>();
        Object info = env.get("cuda.devicesInformation");
        if (info instanceof List<?> list) {
            int id = 0;
            for (Object o : list) {
                Map<String, Object> d = (Map<String, Object>) o;
                gpus.add(new GpuSupport.Gpu(id++, String.valueOf(d.get("cuda.deviceName")),
                        Integer.parseInt(String.valueOf(d.get("cuda.deviceMajor"))),
                        Integer.parseInt(String.valueOf(d.get("cuda.deviceMinor")))));
            }
        }
        return gpus;
    }

    private static String gpuNames(Properties env) {
        return String.join(",", gpuInfo(env).stream().map(g -> g.name() + " (sm_" + g.major() + g.minor() + ")").toList());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
