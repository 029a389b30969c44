package org.layerpipe.core.schedule;

/**
 * What a stage does in one event. The declaration order is the order of ops of one stage
 * within one tick: forward, then backward, then the weight-gradient pass, then the update to
 * the stage's current weights.
 */
public enum Op {
    FORWARD,
    /** The backward; under a zero-bubble schedule ({@link ScheduleKind#splitsBackward()}) only its input-gradient half. */
    BACKWARD,
    /** The weight-gradient half of a split backward, which nothing downstream waits for (zero-bubble schedules only). */
    WEIGHT,
    UPDATE
}
