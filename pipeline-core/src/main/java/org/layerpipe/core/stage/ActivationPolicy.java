package org.layerpipe.core.stage;

import java.util.Locale;

/**
 * What a stage keeps of a minibatch between its forward and its backward (DESIGN §2, "Which
 * activations the backward uses").
 */
public enum ActivationPolicy {
    /**
     * The tensors the forward saved for its backward (block inputs, batch-norm batch statistics,
     * pre-activations): the backward differentiates the forward that really ran, with the weights
     * the weight history prescribes. PipeDream's activation stashing; the default.
     */
    STASH,
    /**
     * Only the stage input: the backward first re-runs the stage's forward with the backward's
     * weights (activation checkpointing: less memory, one more forward per minibatch).
     */
    RECOMPUTE;

    /** Parses {@code stash} or {@code recompute}. */
    public static ActivationPolicy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ActivationPolicy p : values()) {
            if (p.label().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown activations policy '" + text + "': use stash or recompute");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
