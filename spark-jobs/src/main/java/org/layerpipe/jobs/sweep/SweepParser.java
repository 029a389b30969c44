package org.layerpipe.jobs.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.layerpipe.core.train.Setting;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a sweep file into a {@link SweepSpec}. The format, with every part but {@code name} optional:
 *
 * <pre>
 * name: quickstart                    # letters, digits, - _ .
 * experiment: layerpipe2-quickstart   # MLflow experiment; default layerpipe2-&lt;name&gt;
 * base: {model: cnn, epochs: 2}       # settings every trial shares
 * axes:                               # each setting → its values; product in the order written
 *   weights: [latest, stash, ema]
 *   partition: [[2,2,1], "balanced:3"]
 * zip:                                # groups of settings whose values move together
 *   - {schedule: [sequential, layerpipe2], seed: [1, 2]}
 * exclude:                            # drop trials that match every setting of a rule
 *   - {schedule: sequential, weights: ema}
 * max_trials: 1000                    # refuse larger grids (default 10000)
 * </pre>
 *
 * The YAML is only composed into nodes, so no tag can make the parser build a Java object;
 * explicit tags other than YAML's plain ones are refused. Every value is checked on its own
 * here, at its line; combinations are checked by {@link SweepExpander}.
 */
public final class SweepParser {

    private static final List<String> SECTIONS = List.of("name", "experiment", "base", "axes", "zip", "exclude", "max_trials",
            "early_stopping");
    private static final List<String> EARLY_STOPPING_KEYS = List.of("rule", "metric", "mode", "min_epochs", "reduction", "group_by");
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");

    private final YamlSource source;
    /** Line where each varied setting was first given an axis, to refuse a second one. */
    private final Map<String, Integer> variedAt = new HashMap<>();

    private SweepParser(YamlSource source) {
        this.source = source;
    }

    /**
     * Reads the sweep file at {@code path} (UTF-8).
     *
     * @throws SweepException when the file cannot be read or is not a valid sweep
     */
    public static SweepSpec read(Path path) {
        String file = path.toString();
        byte[] bytes;
        // At most one byte over the limit is read, so a huge file (or an endless one like /dev/zero) is refused at once.
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(YamlSource.MAX_CHARS + 1);
        } catch (NoSuchFileException e) {
            throw new SweepException(file, 1, "no such file: check the path to the sweep file");
        } catch (AccessDeniedException e) {
            throw new SweepException(file, 1, "permission denied: make the sweep file readable");
        } catch (IOException e) {
            throw new SweepException(file, 1, Files.isDirectory(path) ? "is a directory: give the path of a sweep file"
                    : "cannot read the file (" + e.getMessage() + "): check the path");
        }
        if (bytes.length > YamlSource.MAX_CHARS) {
            throw YamlSource.tooLarge(file);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SweepException(file, 1, "the file is not UTF-8 text: save it as UTF-8");
        }
        return parse(file, text);
    }

    /**
     * Reads a sweep from {@code text}; {@code path} names it in error messages.
     *
     * @throws SweepException at the line of the first mistake
     */
    public static SweepSpec parse(String path, String text) {
        YamlSource source = YamlSource.compose(path, text);
        Node root = source.root().orElseThrow(() -> new SweepException(path, 1,
                "the file has no sweep in it: start with a line like name: my-sweep"));
        return new SweepParser(source).sweep(root, text);
    }

    private SweepSpec sweep(Node root, String text) {
        refuseTags(root);
        if (!(root instanceof MappingNode top)) {
            throw source.error(root, "the top level must be a mapping of keys like name: and axes:, got " + kind(root));
        }
        Map<String, NodeTuple> sections = entries(top);
        sections.forEach((key, tuple) -> {
            if (!SECTIONS.contains(key)) {
                throw source.error(tuple.getKeyNode(), "unknown key '" + key + "': a sweep file has "
                        + String.join(", ", SECTIONS.subList(0, SECTIONS.size() - 1)) + " and " + SECTIONS.get(SECTIONS.size() - 1));
            }
        });
        NodeTuple nameEntry = sections.get("name");
        if (nameEntry == null) {
            throw source.error(top, "name is missing: add a line like name: my-sweep");
        }
        String name = text(nameEntry.getValueNode(), "name");
        checked(nameEntry.getValueNode(), () -> {
            SweepSpec.requireName(name);
            return name;
        });
        String experiment = sections.containsKey("experiment") ? experiment(sections.get("experiment").getValueNode(), name) : null;
        Map<String, String> base = sections.containsKey("base") ? base(sections.get("base").getValueNode()) : Map.of();
        List<Axis> axes = new ArrayList<>();
        // Axes and zip groups take their place in the product in the order the file gives them.
        for (Map.Entry<String, NodeTuple> section : sections.entrySet()) {
            if (section.getKey().equals("axes")) {
                axes.addAll(axes(section.getValue().getValueNode()));
            } else if (section.getKey().equals("zip")) {
                axes.addAll(zip(section.getValue().getValueNode()));
            }
        }
        List<Map<String, String>> excludes = sections.containsKey("exclude")
                ? excludes(sections.get("exclude").getValueNode()) : List.of();
        int maxTrials = sections.containsKey("max_trials")
                ? maxTrials(sections.get("max_trials").getValueNode()) : SweepSpec.DEFAULT_MAX_TRIALS;
        EarlyStopping earlyStopping = sections.containsKey("early_stopping")
                ? earlyStopping(sections.get("early_stopping").getValueNode()) : null;
        return checked(top, () -> new SweepSpec(name, experiment, base, axes, excludes, maxTrials, text, source.path(), earlyStopping));
    }

    private String experiment(Node node, String name) {
        String experiment = text(node, "experiment");
        if (experiment.isBlank()) {
            throw source.error(node, "experiment is empty: give an MLflow experiment name, or drop the line to use layerpipe2-" + name);
        }
        return experiment;
    }

    private Map<String, String> base(Node node) {
        Map<String, String> base = new LinkedHashMap<>();
        settings(node, "base").forEach((key, tuple) -> base.put(key, value(key, tuple.getValueNode())));
        return base;
    }

    private List<Axis> axes(Node node) {
        List<Axis> axes = new ArrayList<>();
        settings(node, "axes").forEach((key, tuple) -> {
            vary(tuple.getKeyNode(), key);
            List<String> values = values(key, tuple.getValueNode());
            axes.add(axis(List.of(key), values.stream().map(List::of).toList(), (SequenceNode) tuple.getValueNode()));
        });
        return axes;
    }

    private List<Axis> zip(Node node) {
        List<Axis> groups = new ArrayList<>();
        for (Node groupNode : items(node, "zip", "a list of groups like - {schedule: [a, b], weights: [c, d]}")) {
            Map<String, NodeTuple> group = settings(groupNode, "a zip group");
            if (group.isEmpty()) {
                throw source.error(groupNode, "a zip group is empty: list settings with equally long lists of values");
            }
            List<String> keys = new ArrayList<>();
            List<List<String>> columns = new ArrayList<>();
            group.forEach((key, tuple) -> {
                vary(tuple.getKeyNode(), key);
                List<String> values = values(key, tuple.getValueNode());
                if (!columns.isEmpty() && values.size() != columns.get(0).size()) {
                    throw source.error(tuple.getKeyNode(), "zip group lists differ in length: " + keys.get(0) + " has "
                            + columns.get(0).size() + " values but " + key + " has " + values.size()
                            + ": give every setting of a group the same number of values");
                }
                keys.add(key);
                columns.add(values);
            });
            List<List<String>> points = new ArrayList<>();
            for (int i = 0; i < columns.get(0).size(); i++) {
                List<String> point = new ArrayList<>();
                for (List<String> column : columns) {
                    point.add(column.get(i));
                }
                points.add(point);
            }
            groups.add(axis(keys, points, (SequenceNode) group.values().iterator().next().getValueNode()));
        }
        return groups;
    }

    private Axis axis(List<String> keys, List<List<String>> points, SequenceNode firstList) {
        int repeat = Axis.firstRepeat(points);
        if (repeat >= 0) {
            throw source.error(firstList.getValue().get(repeat), (keys.size() == 1 ? "axis " : "zip group ")
                    + Axis.label(keys) + " lists " + Axis.text(points.get(repeat)) + " twice: drop one");
        }
        return new Axis(keys, points);
    }

    private List<Map<String, String>> excludes(Node node) {
        List<Map<String, String>> rules = new ArrayList<>();
        for (Node ruleNode : items(node, "exclude", "a list of rules like - {schedule: sequential, weights: ema}")) {
            Map<String, NodeTuple> settings = settings(ruleNode, "an exclude rule");
            if (settings.isEmpty()) {
                throw source.error(ruleNode, "an exclude rule is empty: name at least one setting to match");
            }
            Map<String, String> rule = new LinkedHashMap<>();
            settings.forEach((key, tuple) -> rule.put(key, value(key, tuple.getValueNode())));
            rules.add(rule);
        }
        return rules;
    }

    /** {@code early_stopping: {rule: successive-halving, metric: …, mode: max|min, min_epochs: …, reduction: …, group_by: [...]}}. */
    private EarlyStopping earlyStopping(Node node) {
        if (!(node instanceof MappingNode map)) {
            throw source.error(node, "early_stopping must be a mapping like {rule: successive-halving, metric: test_accuracy, mode: max,"
                    + " min_epochs: 1, reduction: 3}, got " + kind(node));
        }
        Map<String, NodeTuple> entries = entries(map);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!EARLY_STOPPING_KEYS.contains(e.getKey())) {
                throw source.error(e.getValue().getKeyNode(), "unknown early_stopping key '" + e.getKey() + "': use "
                        + String.join(", ", EARLY_STOPPING_KEYS));
            }
        }
        String rule = entries.containsKey("rule") ? text(entries.get("rule").getValueNode(), "early_stopping rule") : EarlyStopping.RULE;
        if (!rule.trim().equals(EarlyStopping.RULE)) {
            throw source.error(entries.get("rule").getValueNode(), "early_stopping rule '" + rule + "' is not known: the one rule is "
                    + EarlyStopping.RULE);
        }
        String metric = entries.containsKey("metric") ? text(entries.get("metric").getValueNode(), "early_stopping metric").trim()
                : "test_accuracy";
        String mode = entries.containsKey("mode") ? text(entries.get("mode").getValueNode(), "early_stopping mode").trim()
                : (metric.endsWith("loss") ? "min" : "max");
        if (!mode.equals("max") && !mode.equals("min")) {
            throw source.error(entries.get("mode").getValueNode(), "early_stopping mode must be max or min, got '" + mode + "'");
        }
        int minEpochs = whole(entries, "min_epochs", 1);
        int reduction = whole(entries, "reduction", 3);
        List<String> groupBy = new ArrayList<>();
        if (entries.containsKey("group_by")) {
            for (Node item : items(entries.get("group_by").getValueNode(), "early_stopping group_by", "a list of setting keys like [partition]")) {
                groupBy.add(text(item, "a group_by key").trim());
            }
        }
        return checked(node, () -> new EarlyStopping(metric, mode.equals("max"), minEpochs, reduction, groupBy));
    }

    private int whole(Map<String, NodeTuple> entries, String key, int otherwise) {
        if (!entries.containsKey(key)) {
            return otherwise;
        }
        Node node = entries.get(key).getValueNode();
        String text = text(node, "early_stopping " + key);
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw source.error(node, "early_stopping " + key + " must be a whole number, got '" + text + "'");
        }
    }

    private int maxTrials(Node node) {
        String text = text(node, "max_trials");
        try {
            int max = Integer.parseInt(text.trim());
            SweepSpec.requireMaxTrials(max);
            return max;
        } catch (IllegalArgumentException e) {
            throw source.error(node, "max_trials must be a whole number of at least 1, got '" + text + "'");
        }
    }

    /** A mapping of setting keys, each known to {@code TrialConfig}. */
    private Map<String, NodeTuple> settings(Node node, String what) {
        if (!(node instanceof MappingNode map)) {
            throw source.error(node, what + " must be a mapping of setting: value, got " + kind(node));
        }
        Map<String, NodeTuple> settings = entries(map);
        settings.forEach((key, tuple) -> checked(tuple.getKeyNode(), () -> Setting.of(key)));
        return settings;
    }

    /** The items of a sequence. */
    private List<Node> items(Node node, String what, String example) {
        if (!(node instanceof SequenceNode seq)) {
            throw source.error(node, what + " must be " + example + ", got " + kind(node));
        }
        return seq.getValue();
    }

    /** The values of an axis: a non-empty list, each item one value of {@code key}. */
    private List<String> values(String key, Node node) {
        if (!(node instanceof SequenceNode seq)) {
            String example = node instanceof ScalarNode s && !isNull(s) ? s.getValue() : "a, b";
            throw source.error(node, "'" + key + "' must be a list of values, got " + kind(node) + ": write " + key + ": [" + example + "]");
        }
        if (seq.getValue().isEmpty()) {
            throw source.error(node, "'" + key + "' has no values: list at least one");
        }
        List<String> values = new ArrayList<>();
        for (Node item : seq.getValue()) {
            // [2,2,1] under an axis is three values; a partition of three stages is [[2,2,1]].
            if (key.equals("partition") && item instanceof ScalarNode s && WHOLE_NUMBER.matcher(s.getValue().trim()).matches()) {
                throw source.error(item, "partition " + s.getValue() + " is a bare number: write each partition as a list, e.g. partition: [[2,2,1], [3,2]]");
            }
            values.add(value(key, item));
        }
        return values;
    }

    /** One value of {@code key} as canonical text; partition and model.hidden may be YAML lists. */
    private String value(String key, Node node) {
        String text;
        if (node instanceof SequenceNode seq && (key.equals("partition") || key.equals("model.hidden"))) {
            List<String> numbers = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s) || isNull(s)) {
                    throw source.error(item, "setting '" + key + "' takes a list of numbers, got " + kind(item) + " in it");
                }
                numbers.add(s.getValue().trim());
            }
            text = key.equals("partition") ? "[" + String.join(",", numbers) + "]" : String.join(",", numbers);
        } else if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            text = scalar.getValue();
        } else {
            throw source.error(node, "setting '" + key + "' takes a single value, got " + kind(node)
                    + (node instanceof ScalarNode ? ": write a value, or \"\" for empty text" : ""));
        }
        return checked(node, () -> SettingText.canonical(key, text));
    }

    /** A scalar's text. */
    private String text(Node node, String what) {
        if (node instanceof ScalarNode s && !isNull(s)) {
            return s.getValue();
        }
        throw source.error(node, what + " must be a single value, got " + kind(node));
    }

    /** Records that {@code key} is varied, refusing a second axis for it. */
    private void vary(Node keyNode, String key) {
        Integer earlier = variedAt.putIfAbsent(key, YamlSource.line(keyNode));
        if (earlier != null) {
            throw source.error(keyNode, "setting '" + key + "' is already varied on line " + earlier + ": vary each setting in one place");
        }
    }

    /** A mapping's entries by key, in order; keys must be plain text, each once. */
    private Map<String, NodeTuple> entries(MappingNode map) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key) || isNull(key)) {
                throw source.error(keyNode, "keys must be plain names, got " + kind(keyNode));
            }
            NodeTuple earlier = entries.putIfAbsent(key.getValue(), tuple);
            if (earlier != null) {
                throw source.error(keyNode, "duplicate key '" + key.getValue() + "': it is already set on line "
                        + YamlSource.line(earlier.getKeyNode()) + "; keep one");
            }
        }
        return Collections.unmodifiableMap(entries);
    }

    /** Refuses explicit tags beyond YAML's plain ones, e.g. {@code !!javax.script.ScriptEngineManager}. */
    private void refuseTags(Node root) {
        // Anchors can make the tree a graph, even a cycle: visit each node once.
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (!node.isResolved() && !PLAIN_TAGS.contains(node.getTag())) {
                String tag = node.getTag().getValue();
                String shown = tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
                throw source.error(node, "tag " + shown + " is not allowed: sweep files hold plain values only, remove the tag");
            }
            if (node instanceof SequenceNode seq) {
                seq.getValue().forEach(todo::push);
            } else if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    todo.push(t.getValueNode());
                    todo.push(t.getKeyNode());
                }
            }
        }
    }

    /** Runs a check of a value written at {@code node}, locating its error there. */
    private <T> T checked(Node node, Supplier<T> check) {
        try {
            return check.get();
        } catch (SweepException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw source.error(node, e.getMessage());
        }
    }

    private static boolean isNull(ScalarNode node) {
        return node.getTag().equals(Tag.NULL);
    }

    private static String kind(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        ScalarNode scalar = (ScalarNode) node;
        return isNull(scalar) ? "no value" : "the single value '" + scalar.getValue() + "'";
    }
}
