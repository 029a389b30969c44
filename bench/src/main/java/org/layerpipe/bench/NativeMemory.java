package org.layerpipe.bench;

import java.lang.reflect.Field;
import java.util.Map;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.deallocation.DeallocatorService;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What native memory the process holds, read after garbage collection so that a steady-state
 * engine that frees all it allocates per step reads about the same before and after a run.
 *
 * <p>Three counters, because none alone tells bytes and leaks apart (checked, M2.1, 100 live
 * arrays of 4 MB):
 * <ul>
 *   <li>the resident set ({@link Pointer#physicalBytes()}) sees every byte, but the C allocator
 *       keeps freed pages, so after a collection it still holds the peak of the garbage that
 *       piled up since the previous one: with nothing collecting during a run it grows with the
 *       run's length, leak or not;
 *   <li>JavaCPP's own count ({@link Pointer#totalBytes()}) stays at 0: libnd4j, not JavaCPP,
 *       allocates ND4J's buffers;
 *   <li>the ND4J objects awaiting deallocation (two per array: data and shape) count leaked
 *       arrays exactly, whatever their size.
 * </ul>
 *
 * @param physicalBytes resident set of the process
 * @param javacppBytes  bytes JavaCPP itself allocated and still tracks
 * @param nd4jObjects   live ND4J native objects, or -1 if this ND4J version hides the count
 */
public record NativeMemory(long physicalBytes, long javacppBytes, long nd4jObjects) {

    private static final int COLLECTIONS = 2;
    private static final long SETTLE_MILLIS = 100;
    private static final Field REFERENCES = references();

    /**
     * Reads the counters after garbage collection. ND4J frees native memory only when the
     * Java objects holding it are garbage collected (then its deallocator threads free the
     * buffers), so without {@code System.gc()} a reading would count garbage not yet
     * collected; the pauses give those threads time to run.
     */
    public static NativeMemory settled() {
        for (int i = 0; i < COLLECTIONS; i++) {
            System.gc();
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new NativeMemory(Pointer.physicalBytes(), Pointer.totalBytes(), liveNd4jObjects());
    }

    /** Resident-set growth per step from {@code before} to this reading, over {@code steps} steps. */
    public double physicalPerStepSince(NativeMemory before, int steps) {
        return (double) (physicalBytes - before.physicalBytes) / steps;
    }

    /** JavaCPP-tracked growth per step from {@code before} to this reading. */
    public double javacppPerStepSince(NativeMemory before, int steps) {
        return (double) (javacppBytes - before.javacppBytes) / steps;
    }

    /** Growth of the live ND4J objects per step, or NaN when unknown. */
    public double nd4jObjectsPerStepSince(NativeMemory before, int steps) {
        return nd4jObjects < 0 || before.nd4jObjects < 0 ? Double.NaN : (double) (nd4jObjects - before.nd4jObjects) / steps;
    }

    // ND4J keeps every live native object in DeallocatorService's private map and offers no
    // count: read its size by reflection (the class is on the class path, so Java allows it),
    // and report "unknown" if a later ND4J renames the field.
    private static Field references() {
        try {
            Field f = DeallocatorService.class.getDeclaredField("referenceMap");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static long liveNd4jObjects() {
        try {
            return REFERENCES == null ? -1 : ((Map<?, ?>) REFERENCES.get(Nd4j.getDeallocatorService())).size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
