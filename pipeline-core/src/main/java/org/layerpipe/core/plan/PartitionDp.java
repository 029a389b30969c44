package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.layerpipe.core.partition.Partition;

/**
 * The contiguous partitions with the smallest {@link ClosedForm} time, the optimum exactly. The
 * time is {@code Σ_s sum(s) + max_s bottleneck(s) + max_s second(s)}, so for every threshold τ
 * (each stage interval's bottleneck value, ascending; for GPipe every pair τ, τ₂ with its second
 * term) a dynamic program finds the partition of least sum whose every stage stays within it
 * ({@code O(M·L²)}), and the best over all thresholds is the optimum; when only the max counts
 * (asynchronous schedules) this is the classic min-max split, its sum breaking ties. At each τ
 * the {@code count} partitions of least sum are candidates too, so that partitions close behind
 * the optimum get simulated. Thresholds stop once {@code least sum + τ + τ₂} exceeds the
 * {@code count}-th best time kept (for GPipe's pairs, which would otherwise be many, the best).
 */
final class PartitionDp {

    private PartitionDp() {
    }

    /** A partition with its closed-form time and sum (the tie-break). */
    private record Candidate(Partition partition, double time, double sum) {
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparingDouble(Candidate::time)
            .thenComparingDouble(Candidate::sum);

    /** Up to {@code count} partitions of the form's blocks into {@code stages} stages, smallest closed-form time first. */
    static List<Partition> best(ClosedForm form, int stages, int count) {
        int n = form.numBlocks();
        double[] thresholds = thresholds(form.bottleneck(), n);
        double[] seconds = thresholds(form.second(), n);
        int[][] scratch = new int[stages + 1][n + 1];
        double leastSum = form.sumIsTime() ? solve(form, stages, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, scratch) : 0;
        List<Candidate> kept = new ArrayList<>();
        for (double tau : thresholds) {
            // a partition whose terms exceed tau and tau2 takes longer than leastSum + tau + tau2, so
            // the optimum (found at its own maxima) is kept already
            boolean pairs = seconds.length > 1;
            boolean full = pairs ? !kept.isEmpty() : kept.size() == count;
            if (full && leastSum + tau + seconds[0] > kept.get(pairs ? 0 : count - 1).time()) {
                break;
            }
            double atTau = solve(form, stages, tau, Double.POSITIVE_INFINITY, scratch);
            if (atTau == Double.POSITIVE_INFINITY) {
                continue;
            }
            keep(kept, count, least(form, stages, tau, Double.POSITIVE_INFINITY, count));
            if (!pairs) {
                continue;
            }
            // GPipe's second max: from its least feasible value up, while this tau can still beat the
            // best (pruning by the best rather than the count-th keeps the pairs few and the optimum)
            for (int j = leastFeasible(form, stages, tau, seconds); j < seconds.length; j++) {
                if (!kept.isEmpty() && atTau + tau + seconds[j] > kept.get(0).time()) {
                    break;
                }
                // the least sum alone: the pairs are many, and the optimum is one of these
                int[][] cut = new int[stages + 1][n + 1];
                double sum = solve(form, stages, tau, seconds[j], cut);
                keep(kept, count, List.of(candidate(form, cut, stages, sum)));
            }
        }
        return kept.stream().map(Candidate::partition).toList();
    }

    /** Adds the {@code found} not kept yet to the best {@code count} kept. */
    private static void keep(List<Candidate> kept, int count, List<Candidate> found) {
        for (Candidate candidate : found) {
            if (kept.stream().noneMatch(k -> k.partition().equals(candidate.partition()))) {
                kept.add(candidate);
            }
        }
        kept.sort(ORDER);
        while (kept.size() > count) {
            kept.remove(kept.size() - 1);
        }
    }

    /** The index of the least second-term threshold feasible under {@code tau} (feasibility only grows with it). */
    private static int leastFeasible(ClosedForm form, int stages, double tau, double[] seconds) {
        int lo = 0;
        int hi = seconds.length - 1; // feasible: tau alone is
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (solve(form, stages, tau, seconds[mid], new int[stages + 1][form.numBlocks() + 1]) == Double.POSITIVE_INFINITY) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Every interval's value of {@code term}, ascending, each once. */
    private static double[] thresholds(double[][] term, int n) {
        double[] all = new double[n * (n + 1) / 2];
        int i = 0;
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b <= n; b++) {
                all[i++] = term[a][b];
            }
        }
        return Arrays.stream(all).sorted().distinct().toArray();
    }

    /**
     * The least sum over partitions into {@code stages} stages whose every bottleneck is at most
     * {@code tau} and every second term at most {@code tau2} (infinite when there is none);
     * {@code cut[k][b]} receives where the k-th stage of the best split of the first b blocks starts.
     */
    private static double solve(ClosedForm form, int stages, double tau, double tau2, int[][] cut) {
        int n = form.numBlocks();
        double[][] least = new double[stages + 1][n + 1];
        for (double[] row : least) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        least[0][0] = 0;
        for (int k = 1; k <= stages; k++) {
            // the first b blocks in k stages leave at least one block for each of the other stages
            for (int b = k; b <= n - (stages - k); b++) {
                for (int a = k - 1; a < b; a++) {
                    if (least[k - 1][a] == Double.POSITIVE_INFINITY || !fits(form, a, b, tau, tau2)) {
                        continue;
                    }
                    double value = least[k - 1][a] + form.sum()[a][b];
                    if (value < least[k][b]) {
                        least[k][b] = value;
                        cut[k][b] = a;
                    }
                }
            }
        }
        return least[stages][n];
    }

    /** The partition {@link #solve} found, with its sum. */
    private static Candidate candidate(ClosedForm form, int[][] cut, int stages, double sum) {
        int[] sizes = new int[stages];
        int end = form.numBlocks();
        for (int k = stages; k >= 1; k--) {
            int start = cut[k][end];
            sizes[k - 1] = end - start;
            end = start;
        }
        Partition partition = Partition.of(sizes);
        return new Candidate(partition, form.time(partition), sum);
    }

    /** One way to split the first blocks: its sum, the start of its last stage, and which of the splits before that it extends. */
    private record Split(double sum, int start, int previous) {
    }

    /**
     * The {@code count} partitions of least sum within {@code tau} and {@code tau2}, least first: the
     * same program keeping the {@code count} best splits of every prefix instead of one, so that
     * partitions close behind the optimum get simulated too.
     */
    private static List<Candidate> least(ClosedForm form, int stages, double tau, double tau2, int count) {
        int n = form.numBlocks();
        List<List<List<Split>>> best = new ArrayList<>();
        for (int k = 0; k <= stages; k++) {
            List<List<Split>> row = new ArrayList<>();
            for (int b = 0; b <= n; b++) {
                row.add(new ArrayList<>());
            }
            best.add(row);
        }
        best.get(0).get(0).add(new Split(0, -1, -1));
        for (int k = 1; k <= stages; k++) {
            for (int b = k; b <= n - (stages - k); b++) {
                List<Split> here = best.get(k).get(b);
                for (int a = k - 1; a < b; a++) {
                    if (!fits(form, a, b, tau, tau2)) {
                        continue;
                    }
                    List<Split> before = best.get(k - 1).get(a);
                    for (int r = 0; r < before.size(); r++) {
                        here.add(new Split(before.get(r).sum() + form.sum()[a][b], a, r));
                    }
                }
                here.sort(Comparator.comparingDouble(Split::sum));
                if (here.size() > count) {
                    here.subList(count, here.size()).clear();
                }
            }
        }
        List<Candidate> out = new ArrayList<>();
        List<Split> complete = best.get(stages).get(n);
        for (int r = 0; r < complete.size(); r++) {
            int[] sizes = new int[stages];
            int end = n;
            int rank = r;
            for (int k = stages; k >= 1; k--) {
                Split split = best.get(k).get(end).get(rank);
                sizes[k - 1] = end - split.start();
                end = split.start();
                rank = split.previous();
            }
            Partition partition = Partition.of(sizes);
            out.add(new Candidate(partition, form.time(partition), complete.get(r).sum()));
        }
        return out;
    }

    private static boolean fits(ClosedForm form, int a, int b, double tau, double tau2) {
        return form.bottleneck()[a][b] <= tau && form.second()[a][b] <= tau2;
    }
}
