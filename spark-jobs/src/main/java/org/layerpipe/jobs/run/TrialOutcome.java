package org.layerpipe.jobs.run;

import java.io.Serializable;
import java.util.List;

import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.TrialRow;

/** What a task sends back to the driver: the trial's table rows. */
public record TrialOutcome(TrialRow trial, List<EpochRow> epochs) implements Serializable {

    public TrialOutcome {
        epochs = List.copyOf(epochs);
    }
}
