package org.layerpipe.core.nd4j;

import org.nd4j.linalg.factory.Nd4j;

/**
 * How many native threads ND4J may use per call. The settings are process-wide, so with M
 * stages on C cores each stage gets C/M (at least 1); the OS places the stage threads, Java
 * cannot pin them. OpenMP's wait policy is an environment variable only: launchers set
 * {@code OMP_WAIT_POLICY=PASSIVE}, without which spinning threads make ND4J 2–4× slower here.
 */
final class ThreadBudget {

    private ThreadBudget() {
    }

    static int perStage(int threads, int stages) {
        int total = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return Math.max(1, total / Math.max(1, stages));
    }

    static void apply(int threadsPerStage) {
        Nd4j.getEnvironment().setMaxThreads(threadsPerStage);
        Nd4j.getEnvironment().setMaxMasterThreads(threadsPerStage);
        try {
            Nd4j.factory().blas().setMaxThreads(threadsPerStage);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // a backend without a settable BLAS thread count keeps its default
        }
    }
}
