package org.layerpipe.core.schedule;

import java.util.List;

/**
 * A schedule that breaks one or more of the invariants checked by
 * {@link ScheduleValidator}. A generator bug, not a user mistake, hence an
 * {@link IllegalStateException}; the message lists every violation.
 */
public final class InvalidScheduleException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final List<String> violations;

    public InvalidScheduleException(Schedule schedule, List<String> violations) {
        super("invalid " + schedule.kind() + " schedule (" + ScheduleValidator.count(schedule.numStages(), "stage") + ", "
                + ScheduleValidator.count(schedule.numUnits(), "unit")
                + (schedule.microbatches() > 1 ? " in minibatches of " + schedule.microbatches() : "") + "): "
                + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** The violations, one sentence each. */
    public List<String> violations() {
        return violations;
    }
}
