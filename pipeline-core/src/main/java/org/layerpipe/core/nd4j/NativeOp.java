package org.layerpipe.core.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One libnd4j custom op (e.g. {@code conv2d_bp}) built once with its integer and floating
 * arguments, and run every step on the caller's arrays through a context of its own: no
 * op object, argument array or output is allocated per call. Outputs are always given, so
 * results land in preallocated buffers. The context is created on first use, on the thread
 * that runs the stage (the one bound to the stage's device). Not thread-safe: each block
 * owns its ops, and a stage runs on one thread at a time.
 */
final class NativeOp {

    private final String name;
    private final long[] iArgs;
    private final double[] tArgs;
    private boolean helpers = true;
    private boolean blasWhenThreaded;
    private boolean helpersAllowed;
    private DynamicCustomOp op;
    private OpContext context;

    NativeOp(String name, long[] iArgs, double... tArgs) {
        this.name = name;
        this.iArgs = iArgs.clone();
        this.tArgs = tArgs.clone();
    }

    static NativeOp of(String name, long... iArgs) {
        return new NativeOp(name, iArgs);
    }

    /**
     * Runs libnd4j's own implementation instead of a platform helper (oneDNN). For pooling on
     * NCHW arrays oneDNN picks its reference kernel, measured here 5–15× slower than libnd4j's.
     */
    NativeOp withoutHelpers() {
        helpers = false;
        return this;
    }

    /**
     * Runs libnd4j's own implementation (OpenBLAS's gemm for {@code matmul}) when the stage has more
     * than one native thread, oneDNN's when it has one. Measured on the MLP's and wide MLP's dense
     * layers, one JVM, rounds alternated: with 2 threads OpenBLAS took 0.70–0.92× oneDNN's time per
     * step, with 1 thread 1.09–1.30× (oneDNN's gemm barely gains from a second thread at these sizes).
     */
    NativeOp blasWhenThreaded() {
        blasWhenThreaded = true;
        return this;
    }

    /** Whether the op runs platform helpers (oneDNN); decided on its first run. */
    boolean helpersAllowed() {
        return helpersAllowed;
    }

    /** Runs the op: {@code inputs} are read, {@code outputs} written. */
    void run(INDArray[] inputs, INDArray... outputs) {
        if (context == null) {
            op = DynamicCustomOp.builder(name).build();
            context = Nd4j.getExecutioner().buildContext();
            context.setIArguments(iArgs);
            if (tArgs.length > 0) {
                context.setTArguments(tArgs);
            }
            // read on the stage's thread, after the trainer set the stage's thread budget
            helpersAllowed = helpers && !(blasWhenThreaded && Nd4j.getEnvironment().maxThreads() > 1);
            context.allowHelpers(helpersAllowed);
        }
        for (int i = 0; i < inputs.length; i++) {
            context.setInputArray(i, inputs[i]);
        }
        for (int i = 0; i < outputs.length; i++) {
            context.setOutputArray(i, outputs[i]);
        }
        Nd4j.exec(op, context);
    }

    /** One input, one output. */
    void run(INDArray input, INDArray output) {
        run(new INDArray[] {input}, output);
    }

    /** Two inputs, one output. */
    void run(INDArray a, INDArray b, INDArray output) {
        run(new INDArray[] {a, b}, output);
    }
}
