package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which GPUs the released ND4J CUDA backend can run on. {@code nd4j-cuda-11.6:1.0.0-M2.1}
 * ships machine code for sm_37 … sm_86 and no PTX, so Hopper (9.0) and newer cannot run it;
 * Ada (8.9) runs the sm_86 code. Checked at trial start, before any kernel launch, so the
 * user gets one sentence instead of a CUDA error deep in a stage; so is a CUDA build started
 * where it cannot run at all ({@link #startFailure}).
 */
public final class GpuSupport {

    /** Lowest and highest supported compute capability, as major·10 + minor. */
    static final int MIN = 37;
    static final int MAX = 89;

    private GpuSupport() {
    }

    /** A GPU as the backend reports it. */
    public record Gpu(int id, String name, int major, int minor) {
        int capability() {
            return major * 10 + minor;
        }
    }

    /** What to do instead, ending every sentence about a CUDA build that cannot run. */
    static final String USE_CPU = "use the default CPU build instead (build without -Pcuda)";

    /**
     * One sentence for an ND4J start that failed on the CUDA build, read from the failure's chain of
     * causes: no NVIDIA driver ({@code libcuda.so.1} does not load), no GPU, a driver too old for
     * CUDA 11.6, or a GPU whose compute capability the backend has no code for.
     *
     * @param failure   what starting ND4J (or loading CUDA's runtime bindings) threw
     * @param cudaBuild whether the CUDA backend is on the classpath
     * @return empty when the failure is none of these (then it is not about the GPU, and is rethrown as it is)
     */
    public static Optional<String> startFailure(Throwable failure, boolean cudaBuild) {
        StringBuilder text = new StringBuilder();
        boolean noBackend = false;
        for (Throwable t = failure; t != null && text.length() < 100_000; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            noBackend |= t.getClass().getSimpleName().equals("NoAvailableBackendException");
            if (t.getCause() == t) {
                break;
            }
        }
        String chain = text.toString().toLowerCase(Locale.ROOT);
        if (chain.contains("libcuda.so")) {
            return Optional.of("no NVIDIA driver found (libcuda.so.1 does not load): this is the CUDA build of layerpipe, which needs an"
                    + " NVIDIA GPU with its driver; on this machine " + USE_CPU);
        }
        if (chain.contains("no cuda-capable device") || chain.contains("cudaerrornodevice")) {
            return Optional.of("no NVIDIA GPU found (the driver reports no CUDA device): this CUDA build needs one; " + USE_CPU);
        }
        if (chain.contains("cuda driver version is insufficient") || chain.contains("cudaerrorinsufficientdriver")) {
            return Optional.of("the NVIDIA driver is too old for CUDA 11.6, which this build uses: update the driver, or " + USE_CPU);
        }
        if (chain.contains("no kernel image is available") || chain.contains("cudaerrornokernelimagefordevice")) {
            return Optional.of("this GPU's compute capability is not supported by the ND4J CUDA 11.6 backend (1.0.0-M2.1), which runs on"
                    + " 3.7 to 8.9 (Kepler to Ada, not Hopper): use such a GPU, or " + USE_CPU);
        }
        if (cudaBuild && (noBackend || chain.contains("org.bytedeco.cuda"))) {
            return Optional.of("ND4J's CUDA backend did not start on this machine (its log above says why; usually there is no NVIDIA"
                    + " driver or GPU): " + USE_CPU);
        }
        return Optional.empty();
    }

    /** One message per unsupported GPU among {@code gpus}; empty when all are supported. */
    public static List<String> problems(List<Gpu> gpus) {
        List<String> problems = new ArrayList<>();
        for (Gpu g : gpus) {
            if (g.capability() < MIN || g.capability() > MAX) {
                problems.add("GPU " + g.id() + " (" + g.name() + ") has compute capability " + g.major() + "." + g.minor()
                        + ", which the ND4J CUDA 11.6 backend (1.0.0-M2.1) cannot run: it supports 3.7 to 8.9"
                        + " (Kepler to Ada); Hopper and newer GPUs are not supported");
            }
        }
        return problems;
    }
}
