package org.layerpipe.core.weights;

import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.text.Table;

/**
 * Extra weight memory each mode needs per stage (DESIGN §2 table): LATEST none, STASH one
 * copy per update in flight ({@code delay·|W|}), EMA one average ({@code 1·|W|}) wherever the
 * stage is stale at all. Tests check these numbers against what real histories hold.
 */
public final class WeightMemory {

    private WeightMemory() {
    }

    /** Peak bytes of history a stage of {@code params} parameters and nominal delay {@code delay} holds in steady state. */
    public static long peakBytes(WeightMode mode, int delay, long params, int bytesPerParam) {
        return switch (mode) {
            case LATEST -> 0;
            case STASH -> (long) delay * params * bytesPerParam;
            case EMA -> delay > 0 ? params * bytesPerParam : 0;
        };
    }

    /** Parameters of stage {@code stage}: the sum over its blocks. */
    public static long stageParams(Partition partition, long[] blockParams, int stage) {
        long params = 0;
        for (int b = partition.firstBlock(stage); b < partition.endBlock(stage); b++) {
            params += blockParams[b];
        }
        return params;
    }

    /** Peak history bytes of every stage together. */
    public static long totalPeakBytes(WeightMode mode, Partition partition, long[] blockParams, ScheduleKind kind, int bytesPerParam) {
        long total = 0;
        int[] delays = kind.stageDelays(partition);
        for (int s = 0; s < partition.numStages(); s++) {
            total += peakBytes(mode, delays[s], stageParams(partition, blockParams, s), bytesPerParam);
        }
        return total;
    }

    /**
     * A table per stage: blocks, parameters, delay and the peak history bytes of each mode,
     * with totals, e.g. for {@code resnet18} at M = 8.
     */
    public static String table(Partition partition, long[] blockParams, ScheduleKind kind, int bytesPerParam) {
        Table table = new Table("stage", "blocks", "params", "delay", "latest", "stash", "ema");
        long totalParams = 0;
        long[] totals = new long[WeightMode.values().length];
        int[] delays = kind.stageDelays(partition);
        for (int s = 0; s < partition.numStages(); s++) {
            long params = stageParams(partition, blockParams, s);
            int delay = delays[s];
            String[] row = {String.valueOf(s), partition.firstBlock(s) + ".." + (partition.endBlock(s) - 1),
                    String.valueOf(params), String.valueOf(delay), "", "", ""};
            for (WeightMode m : WeightMode.values()) {
                long bytes = peakBytes(m, delay, params, bytesPerParam);
                totals[m.ordinal()] += bytes;
                row[4 + m.ordinal()] = human(bytes);
            }
            totalParams += params;
            table.row(row);
        }
        table.row("total", "", String.valueOf(totalParams), "", human(totals[0]), human(totals[1]), human(totals[2]));
        return table.piped(2);
    }

    /** Bytes in B / KiB / MiB / GiB with one decimal. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
