package org.layerpipe.core.weights;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which weights the backward pass of a stale minibatch uses (DESIGN §2).
 *
 * <ul>
 *   <li>{@link #LATEST}: the current weights, no correction (the inconsistent baseline);</li>
 *   <li>{@link #STASH}: an exact copy of the version the forward used (PipeDream weight stashing),
 *       up to {@code delay·|W|} extra memory per stage;</li>
 *   <li>{@link #EMA}: a reconstruction of that version from the current weights and one moving
 *       average (LayerPipe2), {@code 1·|W|} extra memory per stage.</li>
 * </ul>
 */
public enum WeightMode {
    LATEST, STASH, EMA;

    /** Parses {@code latest}, {@code stash} or {@code ema} (any case). */
    public static WeightMode parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (WeightMode m : values()) {
            if (m.name().equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown weight mode '" + text + "': use one of "
                + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
