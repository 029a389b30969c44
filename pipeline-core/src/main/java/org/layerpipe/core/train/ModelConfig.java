package org.layerpipe.core.train;

import java.util.List;
import java.util.Locale;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;

/**
 * Which model a trial trains.
 *
 * @param name   {@code mlp}, {@code cnn} or {@code resnet18}
 * @param hidden hidden widths (mlp only)
 */
public record ModelConfig(String name, List<Integer> hidden) {

    public static final List<String> NAMES = List.of("mlp", "cnn", "resnet18");

    public ModelConfig {
        name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown model '" + name + "': use one of " + String.join(", ", NAMES));
        }
        hidden = List.copyOf(hidden);
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("mlp hidden widths must be >= 1, got " + hidden);
            }
        }
    }

    /** The model for inputs of {@code input} shape and {@code classes} classes. */
    public ModelSpec build(Shape input, int classes) {
        return switch (name) {
            case "mlp" -> Models.mlp(input, classes, hidden.stream().mapToInt(Integer::intValue).toArray());
            case "cnn" -> Models.cnn(image(input), classes);
            default -> Models.resnet18(image(input), classes);
        };
    }

    private Shape.Image image(Shape input) {
        if (input instanceof Shape.Image img) {
            return img;
        }
        throw new IllegalArgumentException("model " + name + " needs image data, but the data set gives " + input);
    }
}
