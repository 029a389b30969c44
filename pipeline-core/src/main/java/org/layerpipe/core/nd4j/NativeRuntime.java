package org.layerpipe.core.nd4j;

/**
 * Chooses ND4J's native CPU build before ND4J loads: the oneDNN build when its natives are on
 * the classpath (convolution, pooling, batch norm and matmul then run oneDNN's kernels), the
 * plain OpenBLAS build otherwise. JavaCPP reads the choice from the system property
 * {@code org.bytedeco.javacpp.platform.extension} once, when ND4J's backend first loads, so
 * this runs from the static initialisers of the classes that touch ND4J first; launchers and
 * test JVMs also pass the property, and a value set by the user is left alone.
 *
 * <p>If the oneDNN natives cannot load (a CPU or libc they do not support), JavaCPP 1.5.7's
 * {@code Loader} goes on to the next candidate, the plain natives that stay on the classpath
 * (read in its source: it tries {@code linux-x86_64-onednn} then {@code linux-x86_64}, catching
 * {@code UnsatisfiedLinkError}); {@link #fallbackWarning} then says so in provenance.
 */
final class NativeRuntime {

    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN_EXTENSION = "-onednn";
    private static final String ONEDNN_LIBRARY = "/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so";

    private NativeRuntime() {
    }

    /** Selects the oneDNN natives if they are present and nothing else was chosen. */
    static void choose() {
        if (System.getProperty(EXTENSION_PROPERTY) == null && NativeRuntime.class.getResource(ONEDNN_LIBRARY) != null) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
        }
    }

    /** Whether the loaded natives were built with oneDNN (their build information says {@code HAVE_ONEDNN}). */
    static boolean oneDnnActive(String buildInfo) {
        return buildInfo != null && buildInfo.contains("HAVE_ONEDNN");
    }

    /** The native classifier JavaCPP was asked for, e.g. {@code linux-x86_64-onednn}. */
    static String requestedClassifier() {
        String extension = System.getProperty(EXTENSION_PROPERTY, "");
        return System.getProperty("org.bytedeco.javacpp.platform", "linux-x86_64") + extension;
    }

    /**
     * One sentence when the oneDNN natives were asked for but the plain ones loaded (then training
     * runs, only slower), or null when what loaded is what was asked for.
     */
    static String fallbackWarning(String buildInfo) {
        boolean asked = ONEDNN_EXTENSION.equals(System.getProperty(EXTENSION_PROPERTY));
        if (asked && !oneDnnActive(buildInfo)) {
            return "the oneDNN natives (" + requestedClassifier() + ") did not load, so ND4J runs on its plain CPU build, "
                    + "whose convolutions are several times slower";
        }
        return null;
    }
}
