package org.layerpipe.core.nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Which GPUs the released ND4J CUDA backend can run on. {@code nd4j-cuda-11.6:1.0.0-M2.1}
 * ships machine code for sm_37 … sm_86 and no PTX, so Hopper (9.0) and newer cannot run it;
 * Ada (8.9) runs the sm_86 code. Checked at trial start, before any kernel launch, so the
 * user gets one sentence instead of a CUDA error deep in a stage.
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
