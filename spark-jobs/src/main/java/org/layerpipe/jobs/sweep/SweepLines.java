package org.layerpipe.jobs.sweep;

import java.util.Optional;

import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Where each part of a sweep was written, so that errors found while expanding the grid point
 * at a line of the file. The file is composed again only when an error needs a line; a spec
 * built in code (no source text) puts every error on line 1.
 */
final class SweepLines {

    private final SweepSpec spec;
    private YamlSource source;

    SweepLines(SweepSpec spec) {
        this.spec = spec;
    }

    SweepException error(int line, String problem) {
        return new SweepException(spec.sourcePath(), line, problem);
    }

    /** Line where the top-level mapping starts (its first key). */
    int top() {
        return source().root().map(YamlSource::line).orElse(1);
    }

    /** The value of {@code max_trials:}, or the top when the file leaves it out. */
    int maxTrials() {
        return line(source().find("max_trials"));
    }

    /** The {@code exclude:} key. */
    int exclude() {
        return line(source().findKey("exclude"));
    }

    /** The {@code base:} key. */
    int base() {
        return line(source().findKey("base"));
    }

    /** The value of {@code key} under {@code base:}. */
    int base(String key) {
        return line(source().find("base", key).or(() -> source().findKey("base")));
    }

    /** Item {@code index} of the list that varies {@code key}, under {@code axes:} or in a zip group. */
    int axisValue(String key, int index) {
        Optional<Node> node = source().find("axes", key, index);
        for (int group = 0; node.isEmpty() && source().find("zip", group).isPresent(); group++) {
            node = source().find("zip", group, key, index);
        }
        return line(node);
    }

    private int line(Optional<Node> node) {
        return node.map(YamlSource::line).orElseGet(this::top);
    }

    private YamlSource source() {
        if (source == null) {
            try {
                source = YamlSource.compose(spec.sourcePath(), spec.sourceText());
            } catch (SweepException notYaml) {
                // Only a spec built in code can get here (a parsed spec's text is YAML): no lines to give.
                source = new YamlSource(spec.sourcePath(), Optional.empty());
            }
        }
        return source;
    }
}
