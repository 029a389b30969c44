package org.layerpipe.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.layerpipe.core.partition.Partition;

/**
 * The contiguous partitions with the smallest {@link ClosedForm} time, exactly: the time is
 * {@code Σ_s sum(s) + max_s bottleneck(s) + max_s second(s)}, so for every pair of thresholds
 * τ, τ₂ (each stage interval's value of the two terms, ascending) a dynamic program finds the
 * partition of least sum whose every stage stays within both ({@code O(M·L²)}), and the best
 * over all pairs is the optimum; when only the max counts (asynchronous schedules) this is the
 * classic min-max split, its sum breaking ties, and only GPipe has a second term. Thresholds stop
 * once {@code least sum + τ + τ₂} exceeds the {@code count}-th best time kept. Each
 * threshold's partition is one candidate; the {@code count} best distinct ones are returned, best
 * first (the optimum always among them), for the simulation to decide among.
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
        double leastSum = form.sumIsTime()
                ? solve(form, stages, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, new int[stages + 1][n + 1]) : 0;
        List<Candidate> kept = new ArrayList<>();
        int[][] cut = new int[stages + 1][n + 1];
        for (double tau : thresholds) {
            // a partition whose terms exceed tau and tau2 takes longer than leastSum + tau + tau2, so
            // the optimum (found at its own maxima) is kept already
            if (kept.size() == count && leastSum + tau + seconds[0] > kept.get(count - 1).time()) {
                break;
            }
            for (double tau2 : seconds) {
                if (kept.size() == count && leastSum + tau + tau2 > kept.get(count - 1).time()) {
                    break;
                }
                double sum = solve(form, stages, tau, tau2, cut);
                if (sum == Double.POSITIVE_INFINITY) {
                    continue;
                }
                Partition partition = partition(cut, stages, n);
                if (kept.stream().noneMatch(k -> k.partition().equals(partition))) {
                    kept.add(new Candidate(partition, form.time(partition), sum));
                    kept.sort(ORDER);
                    if (kept.size() > count) {
                        kept.remove(count);
                    }
                }
            }
        }
        return kept.stream().map(Candidate::partition).toList();
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
     * {@code tau} and every second term at most {@code tau2} (infinite when there is none); {@code cut[k][b]} receives where the k-th stage of
     * the best split of the first b blocks starts.
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
                    if (least[k - 1][a] == Double.POSITIVE_INFINITY || form.bottleneck()[a][b] > tau
                            || form.second()[a][b] > tau2) {
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

    private static Partition partition(int[][] cut, int stages, int n) {
        int[] sizes = new int[stages];
        int end = n;
        for (int k = stages; k >= 1; k--) {
            int start = cut[k][end];
            sizes[k - 1] = end - start;
            end = start;
        }
        return Partition.of(sizes);
    }
}
