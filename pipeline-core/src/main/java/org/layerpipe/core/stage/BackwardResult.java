package org.layerpipe.core.stage;

/**
 * What a backward produces.
 *
 * @param gradInput gradient with respect to the stage's input ({@code null} at the first stage)
 * @param loss      mean loss of the unit (last stage only, NaN elsewhere)
 * @param correct   correctly classified examples of the unit (last stage only, 0 elsewhere)
 * @param examples  examples in the unit
 */
public record BackwardResult<T>(T gradInput, double loss, int correct, int examples) {

    public static <T> BackwardResult<T> of(T gradInput, int examples) {
        return new BackwardResult<>(gradInput, Double.NaN, 0, examples);
    }
}
