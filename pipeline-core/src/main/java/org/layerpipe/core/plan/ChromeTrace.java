package org.layerpipe.core.plan;

import java.util.Locale;

/**
 * A simulated timeline in the Chrome trace format that chrome://tracing and Perfetto open:
 * {@code {"traceEvents":[{"name":"F3","ph":"X","pid":0,"tid":0,"ts":…,"dur":…}, …]}}, one
 * complete ("X") event per op, the device as process and thread (an interleaved schedule's chunks
 * share their device's row), times in microseconds.
 */
public final class ChromeTrace {

    private ChromeTrace() {
    }

    public static String json(Simulation simulation) {
        StringBuilder out = new StringBuilder("{\"traceEvents\":[");
        boolean first = true;
        for (Simulation.Timed t : simulation.timeline()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            int device = simulation.device(t.event().stage());
            out.append(String.format(Locale.ROOT, "%n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f}",
                    t.label(), t.event().op().name().toLowerCase(Locale.ROOT), device, device, t.start() * 1e6, (t.end() - t.start()) * 1e6));
        }
        out.append("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"schedule\":\"")
                .append(simulation.kind().name().toLowerCase(Locale.ROOT)).append("\"}}\n");
        return out.toString();
    }
}
