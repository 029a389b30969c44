package org.layerpipe.core.stage;

import java.util.Arrays;
import java.util.LinkedHashMap;
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

    /**
     * A flat vector in the stage's precision, copied bit for bit: exactly one of {@code floats} and
     * {@code doubles} is set. Equal when the values are, bit for bit.
     */
    public record Vector(float[] floats, double[] doubles) {

        public Vector {
            if ((floats == null) == (doubles == null)) {
                throw new IllegalArgumentException("a vector holds either floats or doubles");
            }
        }

        public static Vector of(float[] values) {
            return new Vector(values, null);
        }

        public static Vector of(double[] values) {
            return new Vector(null, values);
        }

        public int length() {
            return floats != null ? floats.length : doubles.length;
        }

        /** {@code float} or {@code double}. */
        public String precision() {
            return floats != null ? "float" : "double";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Vector v && Arrays.equals(floats, v.floats) && Arrays.equals(doubles, v.doubles);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(floats) + Arrays.hashCode(doubles);
        }
    }

    /** Every vector of this state by name ({@code weights}, {@code velocity}, {@code history.<name>}). */
    public Map<String, Vector> vectors() {
        Map<String, Vector> all = new LinkedHashMap<>();
        all.put("weights", weights);
        if (velocity != null) {
            all.put("velocity", velocity);
        }
        history.vectors().forEach((k, v) -> all.put("history." + k, v));
        return all;
    }
}
