package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.BalancedPartitioner;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

/**
 * The contiguous partition with the shortest simulated time per minibatch for one schedule:
 * it starts from the split that balances the blocks' forward + backward cost (exact, see
 * {@link BalancedPartitioner}) and then moves stage boundaries one block at a time while the
 * simulation says it helps. The simulation counts what the balance cannot: transfers between
 * devices, the schedule's own dependencies (GPipe's fill and drain), update costs.
 */
public final class PartitionSearch {

    /** Minibatches simulated per candidate: enough for the steady state of every schedule here. */
    static final int MINIBATCHES = 12;

    private PartitionSearch() {
    }

    /** A partition and its simulation. */
    public record Plan(Partition partition, Simulation simulation, StageCosts costs) {
    }

    /** The best partition of {@code model} over {@code devices} under {@code kind}. */
    public static Plan best(ModelSpec model, ScheduleKind kind, int devices, int microbatches, int batchSize,
                            BlockCosts blocks, Link link) {
        int stages = kind == ScheduleKind.INTERLEAVED_1F1B ? devices * Schedule.INTERLEAVED_CHUNKS : devices;
        if (stages > model.numBlocks()) {
            throw new IllegalArgumentException(kind == ScheduleKind.INTERLEAVED_1F1B
                    ? "interleaved 1F1B on " + devices + " devices needs " + stages + " stages (" + Schedule.INTERLEAVED_CHUNKS
                            + " chunks each) but the model has " + model.numBlocks() + " blocks"
                    : devices + " devices for " + model.numBlocks() + " blocks: a device needs at least one block");
        }
        double[] total = new double[model.numBlocks()];
        for (int k = 0; k < total.length; k++) {
            total[k] = blocks.total(k);
        }
        Partition start = BalancedPartitioner.partition(total, stages);
        Plan best = evaluate(model, start, kind, microbatches, batchSize, blocks, link);
        boolean improved = true;
        for (int round = 0; improved && round < 10 * model.numBlocks(); round++) {
            improved = false;
            for (Partition candidate : neighbours(best.partition())) {
                Plan plan = evaluate(model, candidate, kind, microbatches, batchSize, blocks, link);
                if (plan.simulation().secondsPerMinibatch() < best.simulation().secondsPerMinibatch() * (1 - 1e-9)) {
                    best = plan;
                    improved = true;
                }
            }
        }
        return best;
    }

    /** Simulates {@code partition} under {@code kind}. */
    public static Plan evaluate(ModelSpec model, Partition partition, ScheduleKind kind, int microbatches, int batchSize,
                                BlockCosts blocks, Link link) {
        int m = kind.microbatched() ? microbatches : 1;
        StageCosts costs = StageCosts.of(model, partition, blocks, batchSize / m, 4);
        Schedule schedule = Schedule.generate(kind, partition.numStages(), MINIBATCHES * m, m);
        return new Plan(partition, Simulator.run(schedule, costs, link), costs);
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
