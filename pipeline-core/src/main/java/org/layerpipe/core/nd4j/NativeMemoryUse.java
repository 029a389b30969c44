package org.layerpipe.core.nd4j;

import java.lang.management.ManagementFactory;

import org.bytedeco.javacpp.Pointer;

/**
 * How much memory the process holds outside the Java heap, for the periodic system metrics of a
 * trial. ND4J keeps its arrays in native buffers that libnd4j allocates; on the CPU backend of
 * 1.0.0-M2.1 neither ND4J's {@code AllocationsTracker} nor JavaCPP's own count sees them
 * (checked: both stay at 0 with 8 MB of live arrays), so the readings come from the resident set.
 */
public final class NativeMemoryUse {

    private NativeMemoryUse() {
    }

    /** The process's resident set in bytes (JavaCPP reads {@code /proc/self/statm}; cheap). */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }

    /**
     * Resident bytes outside the committed Java heap: ND4J's native buffers, plus the JVM's own
     * code, metaspace and thread stacks (a few hundred MB that stay about constant).
     */
    public static long outsideHeapBytes() {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        return Math.max(0, residentBytes() - heap);
    }
}
