package org.layerpipe.core.schedule;

import java.util.Locale;

import org.layerpipe.core.partition.Partition;

/** The pipeline schedules this project offers side by side. */
public enum ScheduleKind {
    /** No pipelining: one unit passes forward and backward through all stages before the next; plain SGD. */
    SEQUENTIAL,
    /** LayerPipe2 (arXiv 2512.08160): one unit enters per tick; stage s sees weights 2·S(s) updates old. */
    LAYERPIPE2,
    /** PipeDream 1F1B: stages alternate one forward and one backward; staleness S(s). */
    ONE_F_ONE_B,
    /** GPipe: microbatches of a minibatch flow through, then one synchronous update; no staleness. */
    GPIPE,
    /**
     * 1F1B with a flush (PipeDream-Flush, Megatron-LM's default): GPipe's synchronous update per
     * minibatch, with backwards started early so a stage holds at most {@code min(m, p − s)} microbatches.
     */
    ONE_F_ONE_B_FLUSH,
    /**
     * ZB-H1 (Qi et al., "Zero Bubble Pipeline Parallelism", 2023): 1F1B-flush with each backward
     * split into its input-gradient pass ({@link Op#BACKWARD}), which the previous stage waits
     * for, and its weight-gradient pass ({@link Op#WEIGHT}), which nobody waits for and so fills
     * the bubbles; the same activation memory as 1F1B-flush and a third of its bubble when the
     * three passes cost the same. The engine computes a block's two gradients together (ND4J's
     * convolution backprop returns both), so it trains ZB-H1's order with the weight pass inside
     * the backward: the same result, since the update follows the minibatch's last pass.
     */
    ZB_H1,
    /**
     * Interleaved 1F1B (Megatron-LM, Narayanan et al. 2021): each of p devices holds v model
     * chunks (stages {@code d, d + p, …}), and 1F1B-flush runs over the p·v stages in Megatron's
     * order, so the fill and drain take (p − 1)/v of a device's work instead of p − 1. One
     * synchronous update per minibatch; never stale. A planning schedule: the trainer runs one
     * thread per stage and has no devices to share.
     */
    INTERLEAVED_1F1B;

    /** Whether minibatches are split into microbatches whose gradients add up to one synchronous update. */
    public boolean microbatched() {
        return this == GPIPE || this == ONE_F_ONE_B_FLUSH || this == ZB_H1 || this == INTERLEAVED_1F1B;
    }

    /** Whether only the planner runs this schedule: interleaved 1F1B shares devices, the executors run one thread per stage. */
    public boolean planOnly() {
        return this == INTERLEAVED_1F1B;
    }

    /** Whether each backward is split into an input-gradient and a weight-gradient pass ({@link Op#WEIGHT}). */
    public boolean splitsBackward() {
        return this == ZB_H1;
    }


    /**
     * Nominal staleness of a stage with {@code stagesAfter} stages after it: the number of
     * updates it applies between a unit's forward and its backward in steady state (2·S for
     * LayerPipe2, S for 1F1B, 0 for the synchronous schedules). Weight histories size
     * themselves by it.
     */
    public int delay(int stagesAfter) {
        if (stagesAfter < 0) {
            throw new IllegalArgumentException("stages after must be >= 0, got " + stagesAfter);
        }
        return switch (this) {
            case SEQUENTIAL, GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1, INTERLEAVED_1F1B -> 0;
            case LAYERPIPE2 -> 2 * stagesAfter;
            case ONE_F_ONE_B -> stagesAfter;
        };
    }

    /**
     * The nominal delay of every stage of {@code partition} under this schedule, first stage
     * first: {@code delay(S(s))}. The one place that derives per-stage delays from (schedule,
     * partition); weight histories, delay tables, the bench and the published metrics all use it.
     */
    public int[] stageDelays(Partition partition) {
        int[] delays = new int[partition.numStages()];
        for (int s = 0; s < delays.length; s++) {
            delays[s] = delay(partition.stageStagesAfter(s));
        }
        return delays;
    }

    /**
     * Reads a schedule name as a user writes it: {@code sequential}, {@code layerpipe2},
     * {@code 1f1b} or {@code one-f-one-b}, {@code gpipe}, {@code 1f1b-flush} (or
     * {@code pipedream-flush}), {@code zb-h1} (or {@code zero-bubble}), {@code interleaved-1f1b} (or {@code interleaved}); case, hyphens and underscores are
     * ignored, so the enum names are accepted too.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static ScheduleKind parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (key) {
            case "sequential":
                return SEQUENTIAL;
            case "layerpipe2":
                return LAYERPIPE2;
            case "1f1b":
            case "onefoneb":
                return ONE_F_ONE_B;
            case "gpipe":
                return GPIPE;
            case "1f1bflush":
            case "onefonebflush":
            case "pipedreamflush":
                return ONE_F_ONE_B_FLUSH;
            case "zbh1":
            case "zerobubble":
                return ZB_H1;
            case "interleaved1f1b":
            case "interleaved":
                return INTERLEAVED_1F1B;
            default:
                throw new IllegalArgumentException("unknown schedule \"" + text
                        + "\": use one of sequential, layerpipe2, 1f1b (or one-f-one-b), gpipe, 1f1b-flush (or pipedream-flush), "
                                + "zb-h1 (or zero-bubble), interleaved-1f1b (plan only)");
        }
    }
}
