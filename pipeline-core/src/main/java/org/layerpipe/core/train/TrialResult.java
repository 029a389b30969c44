package org.layerpipe.core.train;

import java.util.List;

/**
 * The outcome of one trial.
 *
 * @param status     how it ended
 * @param message    why it did not finish (empty when FINISHED)
 * @param epochs     metrics of every completed epoch
 * @param partition  the partition that ran, e.g. {@code [2,2,1]} (resolved from {@code balanced:M})
 * @param provenance config, seed, code and machine
 */
public record TrialResult(TrialStatus status, String message, List<EpochMetrics> epochs, String partition, Provenance provenance) {

    public TrialResult {
        epochs = List.copyOf(epochs);
        message = message == null ? "" : message;
    }

    /** Metrics of the last completed epoch, or null if none completed. */
    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
