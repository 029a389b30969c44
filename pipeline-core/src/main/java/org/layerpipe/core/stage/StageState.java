package org.layerpipe.core.stage;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import org.layerpipe.core.weights.HistoryState;

/**
 * One stage's training state between epochs, in plain Java arrays, for a checkpoint: enough that
 * a stage built from the same trial and put into this state trains on exactly as the stage it was
 * taken from would have.
 *
 * @param stage    0-based stage index
 * @param version  updates applied so far (the stage's version counter)
 * @param weights  the current flat parameter vector (batch-norm running statistics included)
 * @param velocity the momentum buffer, or null while none exists (plain SGD, or before the first update)
 * @param history  the weight history's state, its vectors in plain arrays
 */
public record StageState(int stage, long version, Vector weights, Vector velocity, HistoryState<Vector> history) {

    public StageState {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(history, "history");
    }

    /** A flat vector in the stage's precision: {@code float[]} or {@code double[]}, copied bit for bit. */
    public sealed interface Vector permits Floats, Doubles {

        int length();

        /** {@code float} or {@code double}. */
        String precision();
    }

    public record Floats(float[] values) implements Vector {

        @Override
        public int length() {
            return values.length;
        }

        @Override
        public String precision() {
            return "float";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Floats f && Arrays.equals(values, f.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    public record Doubles(double[] values) implements Vector {

        @Override
        public int length() {
            return values.length;
        }

        @Override
        public String precision() {
            return "double";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Doubles d && Arrays.equals(values, d.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** Every vector of this state by name ({@code weights}, {@code velocity}, {@code history.<name>}). */
    public Map<String, Vector> vectors() {
        Map<String, Vector> all = new java.util.LinkedHashMap<>();
        all.put("weights", weights);
        if (velocity != null) {
            all.put("velocity", velocity);
        }
        history.vectors().forEach((k, v) -> all.put("history." + k, v));
        return all;
    }
}
