package org.layerpipe.core.train;

import java.util.Locale;

/** Floating-point precision of parameters and activations. */
public enum Precision {
    FLOAT, DOUBLE;

    public static Precision parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.name().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "': use float or double");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
