package org.layerpipe.jobs.sweep;

import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A sweep file's text as a YAML node tree, with each node's line. Only composed, never
 * constructed: SnakeYAML Engine builds no Java object from the file, whatever its tags say.
 *
 * @param path the file's path as the user gave it
 * @param root the document's top node; empty for a file with no document (blank or comments only)
 */
record YamlSource(String path, Optional<Node> root) {

    /**
     * Limits that keep a hostile file from costing more than a moment: a sweep file is a few screens of
     * settings, nested about five levels deep (top, zip, group, list, partition), with short values.
     */
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_DEPTH = 32;
    static final int MAX_SCALAR = 10_000;

    /**
     * @throws SweepException at the line of the syntax error when the text is not YAML, or of the first
     *                        part over a limit (size, nesting depth, length of a value)
     */
    static YamlSource compose(String path, String text) {
        if (text.length() > MAX_CHARS) {
            throw tooLarge(path);
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(path)
                // YAML 1.2 core schema: ~ and empty values are null, as most YAML users expect.
                .setSchema(new CoreSchema())
                .setCodePointLimit(MAX_CHARS)
                .build();
        try {
            // Composing recurses once per level of nesting: measure the event stream first, which the
            // parser produces without recursion, so a value nested thousands deep is refused, not a stack overflow.
            checkLimits(path, settings, text);
            return new YamlSource(path, new Compose(settings).composeString(text));
        } catch (MarkedYamlEngineException e) {
            // An error at the end of the stream is marked on the line after the last one: name the last line.
            int lastLine = (int) Math.max(1, text.lines().count());
            int line = Math.min(lastLine, e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1));
            String context = e.getContext() == null || e.getContext().isBlank() ? ""
                    : " (" + oneLine(e.getContext()) + e.getContextMark().map(m -> ", line " + (m.getLine() + 1)).orElse("") + ")";
            throw new SweepException(path, line, "not valid YAML: " + oneLine(e.getProblem()) + context);
        } catch (YamlEngineException e) {
            throw new SweepException(path, 1, "not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    /** The one sentence for a file over {@link #MAX_CHARS}. */
    static SweepException tooLarge(String path) {
        return new SweepException(path, 1, "the file is larger than 1 MiB (" + MAX_CHARS + " bytes), the limit for a sweep file:"
                + " a sweep is a few settings and axes, so check that this is the file you meant");
    }

    private static void checkLimits(String path, LoadSettings settings, String text) {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            int line = event.getStartMark().map(m -> m.getLine() + 1).orElse(1);
            switch (event.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > MAX_DEPTH) {
                        throw new SweepException(path, line, "values are nested more than " + MAX_DEPTH
                                + " levels deep, the limit for a sweep file: a sweep needs about five");
                    }
                }
                case MappingEnd, SequenceEnd -> depth--;
                case Scalar -> {
                    int length = ((ScalarEvent) event).getValue().length();
                    if (length > MAX_SCALAR) {
                        throw new SweepException(path, line, "a value of " + length + " characters is longer than "
                                + MAX_SCALAR + ", the limit for a value in a sweep file: shorten it");
                    }
                }
                default -> {
                }
            }
        }
    }

    /** 1-based line where {@code node} starts. */
    static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }

    SweepException error(Node node, String problem) {
        return new SweepException(path, line(node), problem);
    }

    /**
     * The node at {@code path} below the root: a {@code String} steps into a mapping's value
     * for that key, an {@code Integer} into a sequence's item.
     */
    Optional<Node> find(Object... steps) {
        Node node = root.orElse(null);
        for (Object step : steps) {
            node = step instanceof Integer i ? item(node, i) : value(node, (String) step);
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(node);
    }

    /** The key node of {@code key} in the mapping at {@code steps}. */
    Optional<Node> findKey(String key, Object... steps) {
        return find(steps).flatMap(node -> node instanceof MappingNode map ? map.getValue().stream()
                .filter(t -> isKey(t, key)).map(NodeTuple::getKeyNode).findFirst() : Optional.empty());
    }

    private static Node value(Node node, String key) {
        if (node instanceof MappingNode map) {
            return map.getValue().stream().filter(t -> isKey(t, key)).map(NodeTuple::getValueNode).findFirst().orElse(null);
        }
        return null;
    }

    private static Node item(Node node, int index) {
        return node instanceof SequenceNode seq && index < seq.getValue().size() ? seq.getValue().get(index) : null;
    }

    private static boolean isKey(NodeTuple tuple, String key) {
        return tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
