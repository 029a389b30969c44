package org.layerpipe.jobs.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sweep as written in its file: base settings, the axes of the grid, the combinations to
 * leave out, and the file itself (kept so a sweep's run can record exactly what was asked for).
 * Setting values are held as canonical text; {@link SweepExpander} turns the spec into trials.
 *
 * @param name       the sweep's name: letters, digits, {@code -}, {@code _} and {@code .}
 * @param experiment the MLflow experiment the trials are logged to; null or blank means {@code layerpipe2-<name>}
 * @param base       settings every trial shares (keys of {@code Setting.ALL}), in written order
 * @param axes       the grid's axes, first slowest to last fastest
 * @param excludes   rules that drop every trial matching all of a rule's settings
 * @param maxTrials  the largest grid (counted before exclusion) this sweep may expand to
 * @param sourceText the sweep file's text, or empty when the spec was built in code
 * @param sourcePath the sweep file's path as the user gave it, used in every error message
 * @param earlyStopping successive halving across the trials, or null to train every trial to the end
 */
public record SweepSpec(String name, String experiment, Map<String, String> base, List<Axis> axes,
                        List<Map<String, String>> excludes, int maxTrials, String sourceText, String sourcePath,
                        EarlyStopping earlyStopping) {

    /** Without early stopping. */
    public SweepSpec(String name, String experiment, Map<String, String> base, List<Axis> axes,
                     List<Map<String, String>> excludes, int maxTrials, String sourceText, String sourcePath) {
        this(name, experiment, base, axes, excludes, maxTrials, sourceText, sourcePath, null);
    }

    /** The grid size a sweep may have unless its file raises {@code max_trials}. */
    public static final int DEFAULT_MAX_TRIALS = 10_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public SweepSpec {
        requireName(name);
        experiment = experiment == null || experiment.isBlank() ? "layerpipe2-" + name : experiment.trim();
        base = Collections.unmodifiableMap(SettingText.canonical(base));
        axes = List.copyOf(axes);
        requireEachKeyOnce(axes);
        List<Map<String, String>> rules = new ArrayList<>();
        for (Map<String, String> rule : excludes) {
            if (rule.isEmpty()) {
                throw new IllegalArgumentException("an exclude rule is empty: name at least one setting to match");
            }
            rules.add(Collections.unmodifiableMap(SettingText.canonical(rule)));
        }
        excludes = List.copyOf(rules);
        requireMaxTrials(maxTrials);
        sourceText = sourceText == null ? "" : sourceText;
        if (sourcePath == null || sourcePath.isBlank()) {
            throw new IllegalArgumentException("sourcePath is missing: name the sweep file, or a label like <inline>");
        }
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' may use only letters, digits, '-', '_' and '.'"
                    + ": rename the sweep, e.g. my-sweep");
        }
    }

    static void requireMaxTrials(long maxTrials) {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("max_trials must be at least 1, got " + maxTrials);
        }
    }

    private static void requireEachKeyOnce(List<Axis> axes) {
        Set<String> seen = new HashSet<>();
        for (Axis axis : axes) {
            for (String key : axis.keys()) {
                if (!seen.add(key)) {
                    throw new IllegalArgumentException("setting '" + key + "' is varied by two axes: vary each setting in one place");
                }
            }
        }
    }
}
