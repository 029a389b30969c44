package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

/**
 * The contiguous partition with the shortest simulated time per minibatch for one schedule. A
 * dynamic program ({@link PartitionDp}) finds the partitions that minimise the schedule's time in
 * closed form ({@link ClosedForm}: stage work, update, transfer occupancy and latency, as a
 * bottleneck max for the asynchronous schedules and a sum plus a bottleneck for the flushing
 * ones); the simulation then decides among the best few and the split that balances forward +
 * backward ({@link BalancedPartitioner}), and boundaries move one block at a time from the
 * fastest few and from the balanced split while the simulation says it helps — for what the
 * closed form does not model (the schedule's own op order, a short run's fill and drain). The
 * result is never slower than that search from the balanced split alone.
 */
public final class PartitionSearch {

    /** Minibatches simulated per candidate at least: enough for the steady state of the flushing schedules. */
    static final int MINIBATCHES = 12;

    /** Closed-form candidates simulated: the closed form is exact for some schedules only. */
    static final int CANDIDATES = 16;

    /** The fastest simulated candidates that a local search starts from. */
    static final int SEARCHED = 3;

    private PartitionSearch() {
    }

    /** A partition and its simulation. */
    public record Plan(Partition partition, Simulation simulation, StageCosts costs) {
    }

    /**
     * The stages {@code kind} cuts {@code model} into on {@code devices} (interleaved 1F1B: a chunk
     * per device and chunk).
     *
     * @throws IllegalArgumentException when the model has fewer blocks than that
     */
    public static int stages(ModelSpec model, ScheduleKind kind, int devices) {
        int stages = kind == ScheduleKind.INTERLEAVED_1F1B ? devices * Schedule.INTERLEAVED_CHUNKS : devices;
        if (stages > model.numBlocks()) {
            throw new IllegalArgumentException(kind == ScheduleKind.INTERLEAVED_1F1B
                    ? "interleaved 1F1B on " + devices + " devices needs " + stages + " stages (" + Schedule.INTERLEAVED_CHUNKS
                            + " chunks each) but the model has " + model.numBlocks() + " blocks"
                    : devices + " devices for " + model.numBlocks() + " blocks: a device needs at least one block");
        }
        return stages;
    }

    /** The best partition of {@code model} over {@code devices} under {@code kind}. */
    public static Plan best(ModelSpec model, ScheduleKind kind, int devices, int microbatches, int batchSize,
                            BlockCosts blocks, Link link) {
        int stages = stages(model, kind, devices);
        int m = kind.microbatched() ? microbatches : 1;
        ClosedForm form = ClosedForm.of(model, kind, stages, m, batchSize / m, blocks, link);
        List<Partition> starts = new ArrayList<>(PartitionDp.best(form, stages, CANDIDATES));
        Partition balanced = BalancedPartitioner.partition(blocks.perMinibatch(1), stages);
        if (!starts.contains(balanced)) {
            starts.add(balanced);
        }
        List<Plan> plans = new ArrayList<>();
        Plan fromBalanced = null;
        for (Partition start : starts) {
            Plan plan = evaluate(model, start, kind, microbatches, batchSize, blocks, link);
            plans.add(plan);
            if (start.equals(balanced)) {
                fromBalanced = plan;
            }
        }
        // stable: among equal times the closed form's order decides
        plans.sort(Comparator.comparingDouble(plan -> plan.simulation().secondsPerMinibatch()));
        List<Plan> searched = new ArrayList<>(plans.subList(0, Math.min(SEARCHED, plans.size())));
        if (!searched.contains(fromBalanced)) {
            // the search from the balanced split as well, so no plan is slower than that search's
            searched.add(fromBalanced);
        }
        Plan best = null;
        for (Plan plan : searched) {
            Plan local = localSearch(plan, model, kind, microbatches, batchSize, blocks, link);
            if (best == null || faster(local, best)) {
                best = local;
            }
        }
        return best;
    }

    /** From {@code start}, moves one boundary by one block at a time while the simulated time drops. */
    static Plan localSearch(Plan start, ModelSpec model, ScheduleKind kind, int microbatches, int batchSize, BlockCosts blocks,
                            Link link) {
        Plan best = start;
        boolean improved = true;
        for (int round = 0; improved && round < 10 * model.numBlocks(); round++) {
            improved = false;
            for (Partition candidate : neighbours(best.partition())) {
                Plan plan = evaluate(model, candidate, kind, microbatches, batchSize, blocks, link);
                if (faster(plan, best)) {
                    best = plan;
                    improved = true;
                }
            }
        }
        return best;
    }

    /** Faster by more than rounding: among equal times the first found stays (the closed form's preferred). */
    private static boolean faster(Plan plan, Plan than) {
        return plan.simulation().secondsPerMinibatch() < than.simulation().secondsPerMinibatch() * (1 - 1e-9);
    }

    /** Simulates {@code partition} under {@code kind}. */
    public static Plan evaluate(ModelSpec model, Partition partition, ScheduleKind kind, int microbatches, int batchSize,
                                BlockCosts blocks, Link link) {
        int m = kind.microbatched() ? microbatches : 1;
        StageCosts costs = StageCosts.of(model, partition, blocks, batchSize / m, 4);
        Schedule schedule = Schedule.generate(kind, partition.numStages(), minibatches(kind, partition.numStages()) * m, m);
        return new Plan(partition, Simulator.run(schedule, costs, link), costs);
    }

    /**
     * Minibatches to simulate so that the steady-state window (the middle half, {@link Simulation#secondsPerMinibatch()})
     * lies between fill and drain. A schedule without stale weights flushes every minibatch and is in steady state
     * from its second. An asynchronous one on p stages fills for p − 1 minibatches, and its first stage does backwards only for its last p − 1: with
     * fewer than 4p minibatches the window reaches into that drain, where backwards come at the pace of the bottleneck's
     * backward alone, and a deep pipeline seemed up to 1.5× faster than it is.
     */
    static int minibatches(ScheduleKind kind, int stages) {
        return kind.delay(1) == 0 ? MINIBATCHES : Math.max(MINIBATCHES, 4 * stages);
    }

    /** Every partition that moves one boundary by one block, keeping every stage non-empty. */
    static List<Partition> neighbours(Partition p) {
        List<Partition> out = new ArrayList<>();
        List<Integer> sizes = p.stageSizes();
        for (int i = 0; i + 1 < sizes.size(); i++) {
            for (int shift : new int[] {-1, 1}) {
                int left = sizes.get(i) + shift;
                int right = sizes.get(i + 1) - shift;
                if (left >= 1 && right >= 1) {
                    List<Integer> moved = new ArrayList<>(sizes);
                    moved.set(i, left);
                    moved.set(i + 1, right);
                    out.add(new Partition(moved));
                }
            }
        }
        return out;
    }
}
