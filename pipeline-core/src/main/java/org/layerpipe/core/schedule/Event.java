package org.layerpipe.core.schedule;

/**
 * One op of one stage at one tick of a {@link Schedule}.
 *
 * @param tick      clock tick, from 0
 * @param stage     pipeline stage, from 0
 * @param minibatch the unit of data that entered the pipeline (a minibatch; for GPipe a
 *                  microbatch, numbered globally), from 0; for {@link Op#UPDATE} the unit
 *                  whose backward triggered the update (the last one accumulated)
 * @param op        what the stage does
 */
public record Event(int tick, int stage, int minibatch, Op op) {

    public Event {
        if (tick < 0) {
            throw new IllegalArgumentException("tick must be >= 0 but was " + tick + ": ticks count from 0");
        }
        if (stage < 0) {
            throw new IllegalArgumentException("stage must be >= 0 but was " + stage + ": stages count from 0");
        }
        if (minibatch < 0) {
            throw new IllegalArgumentException(
                    "minibatch must be >= 0 but was " + minibatch + ": units of data count from 0");
        }
        if (op == null) {
            throw new IllegalArgumentException("op is missing (null): use FORWARD, BACKWARD, WEIGHT or UPDATE");
        }
    }
}
