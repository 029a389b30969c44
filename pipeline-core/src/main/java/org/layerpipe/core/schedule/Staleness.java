package org.layerpipe.core.schedule;

/**
 * How stale the weights behind each gradient are: the number of updates a stage applies
 * between a unit's forward and its backward. LayerPipe2 promises {@code 2·S(s)} in steady
 * state (arXiv 2512.08160, {@code Delay(l) = 2·S(l)}), 1F1B {@code S(s)}, SEQUENTIAL and
 * GPIPE none. Measured from the events, so a test can hold a generator to its promise.
 */
public final class Staleness {

    private Staleness() {
    }

    /**
     * {@code [stage][unit]}: the number of UPDATE events at that stage strictly between the
     * unit's FORWARD and its BACKWARD, in event order.
     *
     * @throws InvalidScheduleException if the schedule is not valid (then a unit may lack
     *                                  its forward or backward and staleness is undefined)
     */
    public static int[][] updatesBetweenForwardAndBackward(Schedule schedule) {
        ScheduleValidator.validate(schedule);
        int[][] staleness = new int[schedule.numStages()][schedule.numUnits()];
        int[] updatesSoFar = new int[schedule.numStages()];
        for (Event event : schedule.events()) {
            int stage = event.stage();
            switch (event.op()) {
                // Subtract the count at the forward, add it at the backward: the difference
                // is the updates in between.
                case FORWARD -> staleness[stage][event.minibatch()] -= updatesSoFar[stage];
                case BACKWARD -> staleness[stage][event.minibatch()] += updatesSoFar[stage];
                case UPDATE -> updatesSoFar[stage]++;
                case WEIGHT -> {
                    // the weight-gradient pass of a split backward reads the same weights as its B
                }
            }
        }
        return staleness;
    }
}
