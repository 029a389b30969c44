package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The device-independent half of the GPU support: capability checks and reading ND4J's device description, on CPU. */
class GpuSupportTest {

    /** What loading CUDA's runtime bindings threw on this machine (no NVIDIA driver), with the CUDA build on the classpath. */
    private static final String NO_DRIVER_LINK_ERROR = "/root/.javacpp/cache/cuda-11.6-8.3-1.5.7-linux-x86_64.jar/org/bytedeco/cuda/"
            + "linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory";
    private static final String NO_DRIVER = "no NVIDIA driver found (libcuda.so.1 does not load): this is the CUDA build of layerpipe,"
            + " which needs an NVIDIA GPU with its driver; on this machine use the default CPU build instead (build without -Pcuda)";

    @Test
    void aCudaBuildWithoutADriverIsOneSentence() {
        assertEquals(Optional.of(NO_DRIVER), GpuSupport.startFailure(new UnsatisfiedLinkError(NO_DRIVER_LINK_ERROR), true));
        // a later attempt in the same JVM: the class failed to initialise, its first error quoted in the cause
        NoClassDefFoundError again = new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudart");
        again.initCause(new ExceptionInInitializerError("Exception java.lang.UnsatisfiedLinkError: " + NO_DRIVER_LINK_ERROR
                + " [in thread \"main\"]"));
        assertEquals(Optional.of(NO_DRIVER), GpuSupport.startFailure(again, true));
    }

    @Test
    void whatNd4jItselfThrowsOnTheCudaBuildWithoutADriver() {
        // the chain Nd4j's static initialiser threw on this machine: the link error is only in ND4J's log
        Throwable nd4j = new ExceptionInInitializerError(new RuntimeException(new org.nd4j.linalg.factory.Nd4jBackend
                .NoAvailableBackendException("Please ensure that you have an nd4j backend on your classpath.")));
        assertEquals(Optional.of("ND4J's CUDA backend did not start on this machine (its log above says why; usually there is no NVIDIA"
                + " driver or GPU): use the default CPU build instead (build without -Pcuda)"), GpuSupport.startFailure(nd4j, true));
        assertEquals(Optional.empty(), GpuSupport.startFailure(nd4j, false), "without the CUDA backend it is not about a GPU");
    }

    @Test
    void noGpuAnOldDriverAndAnUnsupportedGpuAreNamed() {
        assertEquals(Optional.of("no NVIDIA GPU found (the driver reports no CUDA device): this CUDA build needs one;"
                        + " use the default CPU build instead (build without -Pcuda)"),
                GpuSupport.startFailure(new RuntimeException(new IllegalStateException("cudaGetDeviceCount failed: code 100"
                        + " (cudaErrorNoDevice): no CUDA-capable device is detected")), true));
        assertEquals(Optional.of("the NVIDIA driver is too old for CUDA 11.6, which this build uses: update the driver,"
                        + " or use the default CPU build instead (build without -Pcuda)"),
                GpuSupport.startFailure(new RuntimeException("CUDA driver version is insufficient for CUDA runtime version"), true));
        assertEquals(Optional.of("this GPU's compute capability is not supported by the ND4J CUDA 11.6 backend (1.0.0-M2.1), which"
                        + " runs on 3.7 to 8.9 (Kepler to Ada, not Hopper): use such a GPU, or use the default CPU build instead"
                        + " (build without -Pcuda)"),
                GpuSupport.startFailure(new RuntimeException("cudaErrorNoKernelImageForDevice: no kernel image is available for"
                        + " execution on the device"), true));
    }

    @Test
    void otherFailuresAreLeftAlone() {
        assertEquals(Optional.empty(), GpuSupport.startFailure(new IllegalStateException("boom"), true));
        assertEquals(Optional.empty(), GpuSupport.startFailure(new OutOfMemoryError("Java heap space"), false));
        Throwable selfCaused = new RuntimeException("loop") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertEquals(Optional.empty(), GpuSupport.startFailure(selfCaused, true));
    }

    @Test
    void theCpuBuildStarts() {
        Nd4jBackend.start();
        Nd4jBackend.start();
    }

    @Test
    void refusesHopperAndOlderThanKeplerNamingTheGpu() {
        List<String> problems = GpuSupport.problems(List.of(new GpuSupport.Gpu(0, "NVIDIA A100", 8, 0),
                new GpuSupport.Gpu(1, "NVIDIA L4", 8, 9), new GpuSupport.Gpu(2, "NVIDIA H100 80GB HBM3", 9, 0),
                new GpuSupport.Gpu(3, "Tesla K10", 3, 0)));
        assertEquals(List.of(
                "GPU 2 (NVIDIA H100 80GB HBM3) has compute capability 9.0, which the ND4J CUDA 11.6 backend (1.0.0-M2.1) cannot run:"
                        + " it supports 3.7 to 8.9 (Kepler to Ada); Hopper and newer GPUs are not supported",
                "GPU 3 (Tesla K10) has compute capability 3.0, which the ND4J CUDA 11.6 backend (1.0.0-M2.1) cannot run:"
                        + " it supports 3.7 to 8.9 (Kepler to Ada); Hopper and newer GPUs are not supported"), problems);
    }

    @Test
    void readsTheDevicesNd4jDescribes() {
        Properties env = new Properties();
        env.put("cuda.devicesInformation", List.of(
                Map.of("cuda.deviceName", "NVIDIA H200", "cuda.deviceMajor", 9, "cuda.deviceMinor", 0),
                Map.of("cuda.deviceName", "NVIDIA T4", "cuda.deviceMajor", 7, "cuda.deviceMinor", 5)));
        List<GpuSupport.Gpu> gpus = Nd4jBackend.gpuInfo(env);
        assertEquals(List.of(new GpuSupport.Gpu(0, "NVIDIA H200", 9, 0), new GpuSupport.Gpu(1, "NVIDIA T4", 7, 5)), gpus);
        assertEquals(1, GpuSupport.problems(gpus).size());
        assertEquals(List.of(), Nd4jBackend.gpuInfo(new Properties()), "the CPU backend describes no GPU");
    }
}
