package org.layerpipe.core.plan;

import java.util.Locale;

/**
 * Whether a trial is simulated by the planner instead of trained ({@code plan: true} in a sweep),
 * and the cost model it is simulated with — the settings of {@code layerpipe plan}'s
 * {@code --costs}, {@code --device-tflops}, {@code --link-gbps} and {@code --link-latency-us}.
 * The trial's own model, data (its input shape), partition, schedule, microbatches and batch size
 * say what is simulated.
 *
 * @param enabled        simulate instead of train
 * @param costs          where the block costs come from
 * @param deviceTflops   sustained TFLOP/s of one device, for estimated costs; {@code > 0}
 * @param linkGbps       bandwidth between neighbouring devices, Gbit/s; {@code > 0}
 * @param linkLatencyUs  latency per transfer, µs; {@code >= 0}
 */
public record PlanSettings(boolean enabled, Costs costs, double deviceTflops, double linkGbps, double linkLatencyUs) {

    /** Where a plan's block costs come from. */
    public enum Costs {
        /** From each block's multiply-adds at {@code plan.device_tflops} ({@link BlockCosts#estimated}). */
        ESTIMATED,
        /** Every block profiled on the machine that plans the trial (forward, backward and update timed apart). */
        MEASURED;

        public static Costs parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "estimated" -> ESTIMATED;
                case "measured" -> MEASURED;
                default -> throw new IllegalArgumentException("unknown costs '" + text + "': use estimated or measured");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PlanSettings {
        if (costs == null) {
            throw new IllegalArgumentException("plan.costs is missing: use estimated or measured");
        }
        if (!(deviceTflops > 0) || Double.isInfinite(deviceTflops)) {
            throw new IllegalArgumentException("plan.device_tflops must be a number > 0 (TFLOP/s per device), got " + deviceTflops);
        }
        if (!(linkGbps > 0) || Double.isInfinite(linkGbps)) {
            throw new IllegalArgumentException("plan.link_gbps must be a number > 0 (Gbit/s), got " + linkGbps);
        }
        if (!(linkLatencyUs >= 0) || Double.isInfinite(linkLatencyUs)) {
            throw new IllegalArgumentException("plan.link_latency_us must be a number >= 0 (µs), got " + linkLatencyUs);
        }
    }

    /** The link between neighbouring devices. */
    public Link link() {
        return Link.gbps(linkGbps, linkLatencyUs);
    }
}
