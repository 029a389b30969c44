package org.layerpipe.jobs.run;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.layerpipe.core.nd4j.NativeMemoryUse;
import org.layerpipe.jobs.tracking.Metric;
import org.layerpipe.jobs.tracking.Tracker;

/**
 * Samples the machine and the JVM while a trial trains and logs the readings under MLflow's own
 * {@code system/…} keys, so the UI's "System metrics" tab shows them as it does for MLflow's
 * Python runs: {@code system/cpu_utilization_percentage}, {@code system/system_memory_usage_megabytes},
 * {@code system/system_memory_usage_percentage} (megabytes are 10^6 bytes, as MLflow's), and ours
 * {@code system/jvm_heap_used_megabytes}, {@code system/jvm_heap_max_megabytes},
 * {@code system/process_resident_megabytes}, {@code system/nd4j_native_megabytes} (resident memory
 * outside the Java heap, see {@link NativeMemoryUse}). Step = sample number, from 0.
 *
 * <p>One sample when started, one per interval, one when closed. A sample that cannot be logged
 * is dropped with a warning: these readings never fail a trial.
 */
public final class SystemMetrics implements AutoCloseable {

    /** MLflow's own sampling interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final String PREFIX = "system/";
    private static final System.Logger LOG = System.getLogger(SystemMetrics.class.getName());
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private final Tracker tracker;
    private final String runId;
    private final ScheduledExecutorService timer;
    private final com.sun.management.OperatingSystemMXBean os;
    private long step;
    private boolean warned;

    private SystemMetrics(Tracker tracker, String runId, Duration interval) {
        this.tracker = tracker;
        this.runId = runId;
        this.os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "system-metrics " + runId);
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleAtFixedRate(this::sample, 0, millis, TimeUnit.MILLISECONDS);
    }

    /** Starts sampling for {@code runId}; {@link #close()} takes the last sample and stops. */
    public static SystemMetrics start(Tracker tracker, String runId, Duration interval) {
        return new SystemMetrics(tracker, runId, interval);
    }

    /** One reading of every system metric, at {@code step}. */
    List<Metric> read(long timestamp, long step) {
        List<Metric> out = new ArrayList<>();
        double cpu = os.getCpuLoad(); // negative until the JVM has a first interval to compare with
        if (cpu >= 0) {
            out.add(new Metric(PREFIX + "cpu_utilization_percentage", 100 * cpu, timestamp, step));
        }
        long total = os.getTotalMemorySize();
        long used = total - availableMemory();
        out.add(new Metric(PREFIX + "system_memory_usage_megabytes", used / 1e6, timestamp, step));
        if (total > 0) {
            out.add(new Metric(PREFIX + "system_memory_usage_percentage", 100.0 * used / total, timestamp, step));
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.add(new Metric(PREFIX + "jvm_heap_used_megabytes", heap.getUsed() / 1e6, timestamp, step));
        if (heap.getMax() > 0) {
            out.add(new Metric(PREFIX + "jvm_heap_max_megabytes", heap.getMax() / 1e6, timestamp, step));
        }
        out.add(new Metric(PREFIX + "process_resident_megabytes", NativeMemoryUse.residentBytes() / 1e6, timestamp, step));
        out.add(new Metric(PREFIX + "nd4j_native_megabytes", NativeMemoryUse.outsideHeapBytes() / 1e6, timestamp, step));
        return out;
    }

    /**
     * Memory the system could hand out now: Linux's MemAvailable (free memory counts the page
     * cache as used, which psutil, and so MLflow, does not), else the JVM's free physical memory.
     */
    private long availableMemory() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            // falls back below
        }
        return os.getFreeMemorySize();
    }

    private synchronized void sample() {
        try {
            tracker.logMetrics(runId, read(System.currentTimeMillis(), step));
            step++;
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.log(System.Logger.Level.WARNING, () -> "system metrics of run " + runId + " are not logged: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        // shutdown, not shutdownNow: interrupting a sample in flight would abort its HTTP call,
        // which the journal then counts as a refused call.
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
