package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.partition.Partition;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

/**
 * A schedule's time per minibatch in closed form, written so that a dynamic program over
 * contiguous partitions can minimise it ({@link PartitionDp}): {@code Σ_s sum(s) + max_s
 * bottleneck(s) + max_s second(s)}, each stage's terms a function of its blocks {@code [a, b)}
 * alone (the second max is GPipe's, whose forwards and backwards peak separately). Per
 * stage and unit (a minibatch; a microbatch of the synchronous schedules) with forward F,
 * backward B (both gradients), its weight-gradient part W, update U, the transfer occupancy
 * {@code o = output bytes / bandwidth} and {@code ℓ = o + latency} of its outgoing link (both 0
 * on the last stage), and m microbatches:
 *
 * <pre>
 * schedule                    sum(s)                       bottleneck(s)
 * SEQUENTIAL                  F + B + 2ℓ (+ U on stage 0)  0
 * LAYERPIPE2, 1F1B            (F + B + 2ℓ, tie-break)      max(F + B + U, o)
 * GPIPE                       F + B + 2ℓ (+ U on stage 0)  (m − 1) max(F, o), second (m − 1) max(B, o)
 * 1F1B-FLUSH                  F + B + 2ℓ (+ U on stage 0)  (m − 1) max(F + B, o)
 * ZB-H1                       d + 2ℓ (+ U on stage 0)      m max(F + B, o) − d,  d = max(0, F + B − 2W)
 * INTERLEAVED 1F1B (p·v)      (p − 1)/(p v)(F + B) + 2ℓ    v m max(F + B, o)
 *                             (+ U on stage 0)
 * </pre>
 *
 * <p>Why these: an asynchronous pipeline admits one unit per period of its slowest resource — a
 * stage (with its update after every unit) or a link direction (one transfer at a time), so its
 * time is a bottleneck max and the sum only breaks ties (shorter fill). GPipe's forwards and
 * backwards each flow through the stages and links as through a flow shop of identical jobs,
 * {@code Σ + (m − 1)·max}; the flush then waits for stage 0's update. 1F1B-flush has GPipe's time
 * on balanced stages; ZB-H1's weight passes fill the drain, so the bottleneck stage runs all m
 * units and every other stage adds only {@code F + B − W} of the input-gradient pass minus its
 * own weight pass (the paper's {@code m(F + B + W) + (p − 1)(F + B − W)} for equal passes);
 * interleaved 1F1B's device holds v chunks and its fill and drain shrink v-fold.
 *
 * <p>Exact against the {@link Simulator} for SEQUENTIAL and GPIPE while no stage's update outlasts
 * the backwards still to run before it (then the next minibatch waits for it); for the others a model of the steady state that the simulation
 * of the candidates corrects: the simulator measures minibatches 3 to 9 of 12, where the deep
 * stages of LayerPipe2 already drain, and 1F1B's and the flush schedules' fixed op orders make a
 * stage with a long forward and one with a long backward wait for each other.
 *
 * @param sum        {@code sum[a][b]}: the stage of blocks {@code a..b-1}'s term of the sum
 * @param bottleneck {@code bottleneck[a][b]}: its term of the max
 * @param second     {@code second[a][b]}: its term of the second max (0 but for GPIPE)
 * @param sumIsTime  whether the sum is part of the time (false: it only breaks ties)
 */
record ClosedForm(double[][] sum, double[][] bottleneck, double[][] second, boolean sumIsTime) {

    int numBlocks() {
        return sum.length;
    }

    /**
     * The terms of every stage interval, from the {@link StageCosts} the simulation would use:
     * stage {@code [a, b)} is costed as the middle stage of the partition {@code [a, b − a, n − b]}
     * (without its empty parts), so the sums, bytes and update costs are the simulation's own.
     *
     * @param stages       stages of the partitions compared (devices · chunks for interleaved 1F1B)
     * @param microbatches m, units per minibatch (1 for the asynchronous schedules)
     * @param unitExamples examples per unit
     */
    static ClosedForm of(ModelSpec model, ScheduleKind kind, int stages, int microbatches, int unitExamples,
                         BlockCosts blocks, Link link) {
        int n = model.numBlocks();
        int m = microbatches;
        int chunks = kind == ScheduleKind.INTERLEAVED_1F1B ? Schedule.INTERLEAVED_CHUNKS : 1;
        int p = stages / chunks;
        double[][] sum = new double[n][n + 1];
        double[][] bottleneck = new double[n][n + 1];
        double[][] second = new double[n][n + 1];
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b <= n; b++) {
                List<Integer> sizes = new ArrayList<>(3);
                if (a > 0) {
                    sizes.add(a);
                }
                sizes.add(b - a);
                if (b < n) {
                    sizes.add(n - b);
                }
                StageCosts costs = StageCosts.of(model, new Partition(sizes), blocks, unitExamples, 4);
                int s = a > 0 ? 1 : 0;
                double f = costs.forward()[s];
                double bw = costs.backward()[s];
                double w = costs.weightGradient()[s];
                double first = a == 0 ? costs.update()[s] : 0;
                double o = b < n ? costs.outputBytes()[s] / link.bytesPerSecond() : 0;
                double hop = b < n ? o + link.latencySeconds() : 0;
                double c = f + bw;
                switch (kind) {
                    case SEQUENTIAL -> sum[a][b] = c + 2 * hop + first;
                    case LAYERPIPE2, ONE_F_ONE_B -> {
                        sum[a][b] = c + 2 * hop;
                        bottleneck[a][b] = Math.max(c + costs.update()[s], o);
                    }
                    case GPIPE -> {
                        sum[a][b] = c + 2 * hop + first;
                        bottleneck[a][b] = (m - 1) * Math.max(f, o);
                        second[a][b] = (m - 1) * Math.max(bw, o);
                    }
                    case ONE_F_ONE_B_FLUSH -> {
                        sum[a][b] = c + 2 * hop + first;
                        bottleneck[a][b] = (m - 1) * Math.max(c, o);
                    }
                    case ZB_H1 -> {
                        double d = Math.max(0, c - 2 * w);
                        sum[a][b] = d + 2 * hop + first;
                        bottleneck[a][b] = m * Math.max(c, o) - d;
                    }
                    case INTERLEAVED_1F1B -> {
                        sum[a][b] = (p - 1.0) / (p * chunks) * c + 2 * hop + first;
                        bottleneck[a][b] = chunks * m * Math.max(c, o);
                    }
                }
            }
        }
        return new ClosedForm(sum, bottleneck, second, kind != ScheduleKind.LAYERPIPE2 && kind != ScheduleKind.ONE_F_ONE_B);
    }

    /** The closed-form time of {@code partition}. */
    double time(Partition partition) {
        double total = 0;
        double max = 0;
        double max2 = 0;
        for (int s = 0; s < partition.numStages(); s++) {
            int a = partition.firstBlock(s);
            int b = partition.endBlock(s);
            total += sum[a][b];
            max = Math.max(max, bottleneck[a][b]);
            max2 = Math.max(max2, second[a][b]);
        }
        return (sumIsTime ? total : 0) + max + max2;
    }
}
