package org.layerpipe.core.train;

/**
 * Where and how often a trial writes epoch checkpoints ({@code checkpoint.*} settings). Provenance,
 * not part of the trial id: the same trial checkpointed elsewhere, or not at all, trains the same weights.
 *
 * @param dir   folder (any Hadoop path) holding one subfolder per trial id; empty = no checkpoints
 * @param every write one after every {@code every}-th epoch, and after the last
 * @param keep  how many of a trial's checkpoints to keep, newest first; older ones are deleted
 */
public record CheckpointConfig(String dir, int every, int keep) {

    public CheckpointConfig {
        dir = dir == null ? "" : dir.trim();
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint.every must be >= 1 epoch, got " + every);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoint.keep must be >= 1 (the newest checkpoint is what a resume needs), got " + keep);
        }
    }

    /** Whether the trial checkpoints at all. */
    public boolean enabled() {
        return !dir.isEmpty();
    }

    /** Whether a checkpoint is written after {@code epoch} of {@code epochs}. */
    public boolean due(int epoch, int epochs) {
        return enabled() && (epoch % every == 0 || epoch == epochs);
    }
}
