package org.layerpipe.core.plan;

import java.util.List;

import org.layerpipe.core.schedule.Event;
import org.layerpipe.core.schedule.ScheduleKind;

/**
 * A schedule executed on its devices by the {@link Simulator}.
 *
 * @param kind                  the schedule
 * @param microbatches          units per minibatch (1 except GPipe)
 * @param timeline              every event with its start and end, in the order the devices ran them
 * @param makespan              seconds from the first start to the last end
 * @param secondsPerMinibatch   steady-state time per minibatch: measured over the middle half of the run
 * @param busy                  seconds each device computed (one per stage, except for interleaved 1F1B)
 * @param peakUnitsInFlight     most units whose forward ran and whose backward had not finished, per stage
 * @param criticalPath          the chain of events that determined the makespan, first to last
 */
public record Simulation(ScheduleKind kind, int microbatches, List<Timed> timeline, double makespan,
                         double secondsPerMinibatch, double[] busy, int[] peakUnitsInFlight, List<Timed> criticalPath) {

    /** One event as simulated. */
    public record Timed(Event event, double start, double end) {

        /** {@code F3}, {@code B3} or {@code U3}: op initial and unit, as torch's schedule printers write them. */
        public String label() {
            return event.op().name().charAt(0) + String.valueOf(event.minibatch());
        }
    }

    public Simulation {
        timeline = List.copyOf(timeline);
        criticalPath = List.copyOf(criticalPath);
        busy = busy.clone();
        peakUnitsInFlight = peakUnitsInFlight.clone();
    }

    public int numDevices() {
        return busy.length;
    }

    /** The device that ran {@code stage}: stage s on device s mod devices, as {@link org.layerpipe.core.schedule.Schedule#device} places it. */
    public int device(int stage) {
        return stage % busy.length;
    }

    /**
     * Most activation bytes device {@code d} held at once, bounded by the sum over its stages of
     * each stage's peak units in flight times the bytes a unit keeps there.
     */
    public long peakActivationBytes(int d, long[] activationBytesPerUnit) {
        long bytes = 0;
        for (int s = d; s < peakUnitsInFlight.length; s += busy.length) {
            bytes += peakUnitsInFlight[s] * activationBytesPerUnit[s];
        }
        return bytes;
    }

    /**
     * Fraction of device time idle in steady state: {@code 1 − Σ busy per minibatch / (devices · time per minibatch)}
     * — GPipe's flush {@code (p − 1)/(m + p − 1)}, an asynchronous pipeline's imbalance between its stages. A short
     * run's fill and drain are not counted.
     */
    public double bubble() {
        double sum = 0;
        for (double b : busy) {
            sum += b;
        }
        int minibatches = timeline.stream().mapToInt(t -> t.event().minibatch()).max().orElse(0) / microbatches + 1;
        return 1 - sum / minibatches / (busy.length * secondsPerMinibatch);
    }

    /** Steady-state examples per second for minibatches of {@code batchSize} examples. */
    public double samplesPerSecond(int batchSize) {
        return batchSize / secondsPerMinibatch;
    }
}
