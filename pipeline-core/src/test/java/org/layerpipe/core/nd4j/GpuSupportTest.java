package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The device-independent half of the GPU support: capability checks and reading ND4J's device description, on CPU. */
class GpuSupportTest {

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
