package org.layerpipe.core.schedule;

/**
 * What a stage does in one event. The declaration order is the order of ops of one stage
 * within one tick: forward, then backward, then the update to the stage's current weights.
 */
public enum Op {
    FORWARD,
    BACKWARD,
    UPDATE
}
