package org.layerpipe.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One schedule of {@code bench --plan-check}: the concurrent executor's measured time per
 * minibatch on this machine against the planner's prediction for the same run (the schedule
 * simulated on the blocks' profiled costs, fill and drain included), on one partition.
 *
 * @param model     {@link BenchModel} name
 * @param schedule  the schedule's label ({@code layerpipe2}, {@code 1f1b}, {@code gpipe})
 * @param measured    the executor's round whose error is the median of the rounds'
 * @param predicted   the planner's figure for that round, on the blocks profiled right after it
 * @param roundErrors every round's error, in the order they ran (the spread the machine's noise leaves)
 */
public record PlanCheck(String model, String schedule, Measurement measured, Measurement predicted, List<Double> roundErrors) {

    /** Within this of the measurement the prediction is good enough to plan with (the bar). */
    public static final double TOLERANCE = 0.15;

    public PlanCheck {
        if (measured == null || predicted == null) {
            throw new IllegalArgumentException("plan check of " + model + " under " + schedule + " lacks its measurement or its prediction");
        }
        roundErrors = List.copyOf(roundErrors);
    }

    /** Predicted over measured throughput, minus 1: negative when the planner is too pessimistic. */
    public double error() {
        return error(measured, predicted);
    }

    /** {@code predicted}'s throughput over {@code measured}'s, minus 1. */
    public static double error(Measurement measured, Measurement predicted) {
        return predicted.samplesPerSecond() / measured.samplesPerSecond() - 1;
    }

    public boolean withinTolerance() {
        return Math.abs(error()) <= TOLERANCE;
    }

    public static String[] header() {
        return new String[] {"model", "schedule", "partition", "measured samples/s", "predicted samples/s", "error", "within 15 %",
                "measured busy", "predicted busy", "error by round"};
    }

    public String[] row() {
        return new String[] {model, schedule, measured.partition(), f(measured.samplesPerSecond()), f(predicted.samplesPerSecond()),
                percent(error()), withinTolerance() ? "yes" : "no", measured.busy(), predicted.busy(),
                roundErrors.stream().map(PlanCheck::percent).collect(Collectors.joining(" / "))};
    }

    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("schedule", schedule);
        j.put("partition", measured.partition());
        j.put("measured_samples_per_second", measured.samplesPerSecond());
        j.put("predicted_samples_per_second", predicted.samplesPerSecond());
        j.put("measured_ms_per_step", measured.msPerStep());
        j.put("predicted_ms_per_step", predicted.msPerStep());
        j.put("error", error());
        j.put("round_errors", roundErrors);
        return j;
    }

    private static String percent(double error) {
        return String.format(Locale.ROOT, "%+.1f %%", 100 * error);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
