package org.layerpipe.core.train;

import java.util.List;
import java.util.Locale;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Models;
import org.layerpipe.core.model.Shape;

/**
 * Which model a trial trains: one we ship, or a Deeplearning4j network read from a file
 * ({@code dl4j:PATH}, see {@link ModelImporter}).
 *
 * @param name   {@code mlp}, {@code cnn}, {@code resnet18}, or {@code dl4j:PATH} (the path kept as written)
 * @param hidden hidden widths (mlp only)
 * @param digest SHA-256 of the network file (hex), part of the config hash: a {@code dl4j:} model is its
 *               file's content, not only its path. Null or empty: read from the file now. Empty for the
 *               models we ship. Training checks that the file still has this digest.
 */
public record ModelConfig(String name, List<Integer> hidden, String digest) {

    public static final List<String> NAMES = List.of("mlp", "cnn", "resnet18");

    /** Prefix of imported Deeplearning4j networks. */
    public static final String DL4J = "dl4j:";

    public ModelConfig {
        name = name == null ? "" : name.trim();
        if (name.toLowerCase(Locale.ROOT).startsWith(DL4J)) {
            name = DL4J + name.substring(DL4J.length()).trim();
            if (name.length() == DL4J.length()) {
                throw new ModelImportException("model dl4j: needs the network's file, e.g. dl4j:/path/net.zip");
            }
            digest = digest == null || digest.isEmpty() ? ModelFiles.sha256(name.substring(DL4J.length())) : digest;
        } else {
            name = name.toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown model '" + name + "': use one of " + String.join(", ", NAMES)
                        + " or dl4j:PATH (a Deeplearning4j network file)");
            }
            digest = "";
        }
        hidden = List.copyOf(hidden);
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("mlp hidden widths must be >= 1, got " + hidden);
            }
        }
    }

    /** A model we ship, or an imported one whose file is read now for its digest. */
    public ModelConfig(String name, List<Integer> hidden) {
        this(name, hidden, null);
    }

    /** Whether this is a network read from a file ({@code dl4j:PATH}). */
    public boolean imported() {
        return name.startsWith(DL4J);
    }

    /** The network file of an imported model; empty for the models we ship. */
    public String file() {
        return imported() ? name.substring(DL4J.length()) : "";
    }

    /** The model for inputs of {@code input} shape and {@code classes} classes. */
    public ModelSpec build(Shape input, int classes) {
        if (imported()) {
            return ModelImporter.find("dl4j").build(this, input, classes);
        }
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
