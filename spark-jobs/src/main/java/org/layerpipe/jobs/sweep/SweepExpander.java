package org.layerpipe.jobs.sweep;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.layerpipe.core.text.Table;
import org.layerpipe.core.train.TrialConfig;

/**
 * Expands a sweep into its trials: the Cartesian product of the axes in the order written
 * (first axis slowest, last fastest, like nested loops), minus the excluded combinations; a
 * grid point that is a trial already expanded (the same id) is kept once, with a note.
 * A pure function of the spec: the same spec gives the same trials, ids and order every time.
 *
 * <pre>
 * axes: weights: [stash, ema]   →  0  weights=stash seed=1
 *       seed:    [1, 2]            1  weights=stash seed=2
 *                                  2  weights=ema   seed=1
 *                                  3  weights=ema   seed=2
 * </pre>
 */
public final class SweepExpander {

    /** Settings that change the model's blocks, and so whether a partition fits. */
    private static final Set<String> MODEL_KEYS = Set.of("model", "model.hidden", "data");
    /** Settings besides the model's that decide whether a planned trial fits its devices. */
    private static final Set<String> PLAN_FIT_KEYS = Set.of("partition", "schedule", "microbatches");
    /** Settings that {@code WeightSettings.label()} sums up in a run name. */
    private static final Set<String> WEIGHT_KEYS = Set.of("weights", "ema.rule", "ema.beta");

    private SweepExpander() {
    }

    /**
     * A sweep's trials, and a note for every grid point that turned out to be a trial already in the list
     * (same id: it differs from it only in settings that cannot change what that trial trains) and so
     * runs once.
     *
     * @param trials    the distinct trials, in expansion order
     * @param collapsed one sentence per collapsed grid point, {@code <file>:<line>: ...}
     */
    public record Expansion(List<Trial> trials, List<String> collapsed) {

        public Expansion {
            trials = List.copyOf(trials);
            collapsed = List.copyOf(collapsed);
        }
    }

    /**
     * The sweep's distinct trials (see {@link #expansion}).
     *
     * @throws SweepException as {@link #expansion} does
     */
    public static List<Trial> expand(SweepSpec spec) {
        return expansion(spec).trials();
    }

    /**
     * @throws SweepException when the grid is larger than {@code max_trials}, a trial's settings do not go
     *                        together, its partition does not fit its model, or every trial is excluded
     */
    public static Expansion expansion(SweepSpec spec) {
        SweepLines lines = new SweepLines(spec);
        List<Axis> axes = spec.axes();
        // Counted before expanding, so that a grid of millions is refused without building it.
        BigInteger count = axes.stream().map(a -> BigInteger.valueOf(a.size())).reduce(BigInteger.ONE, BigInteger::multiply);
        if (count.compareTo(BigInteger.valueOf(spec.maxTrials())) > 0) {
            throw lines.error(lines.maxTrials(), "the grid has " + count + " trials, more than max_trials "
                    + spec.maxTrials() + ": raise max_trials if you mean it");
        }
        Map<String, Integer> axisOf = new HashMap<>();
        for (int a = 0; a < axes.size(); a++) {
            for (String key : axes.get(a).keys()) {
                axisOf.put(key, a);
            }
        }
        Map<String, String> defaults = TrialConfig.defaults().toParams();
        Map<String, Optional<String>> fits = new HashMap<>();
        Map<String, Trial> byId = new HashMap<>();
        List<Trial> trials = new ArrayList<>();
        List<String> collapsed = new ArrayList<>();
        int[] at = new int[axes.size()];
        for (long n = count.longValueExact(); n > 0; n--) {
            Map<String, String> varied = new LinkedHashMap<>();
            for (int a = 0; a < axes.size(); a++) {
                varied.putAll(axes.get(a).point(at[a]));
            }
            Map<String, String> params = new LinkedHashMap<>(spec.base());
            params.putAll(varied);
            if (!excluded(spec.excludes(), params, defaults)) {
                Located where = new Located(spec, lines, axisOf, at, trials.size(), varied);
                Trial trial = trial(params, where, fits);
                Trial same = byId.putIfAbsent(trial.trialId(), trial);
                if (same != null) {
                    collapsed.add(collapse(same, trial, where));
                } else {
                    trials.add(trial);
                }
            }
            next(at, axes);
        }
        if (trials.isEmpty()) {
            throw lines.error(lines.exclude(), "the grid is empty: every trial is excluded; drop or narrow an exclude rule");
        }
        return new Expansion(trials, collapsed);
    }

    /**
     * A short readable name of what this trial varies, for MLflow run names, e.g.
     * {@code ema-pa · [2,2,1] · seed 1}; {@code base} for a sweep without axes.
     */
    public static String runName(Trial trial) {
        List<String> parts = new ArrayList<>();
        boolean weightsNamed = false;
        for (Map.Entry<String, String> e : trial.varied().entrySet()) {
            String key = e.getKey();
            if (WEIGHT_KEYS.contains(key)) {
                if (!weightsNamed) {
                    parts.add(trial.config().weights().label());
                    weightsNamed = true;
                }
            } else if (key.equals("partition")) {
                parts.add(e.getValue());
            } else if (key.equals("seed")) {
                parts.add("seed " + e.getValue());
            } else {
                parts.add(key + "=" + e.getValue());
            }
        }
        return parts.isEmpty() ? "base" : String.join(" · ", parts);
    }

    /** An aligned text table of the trials: index, trial id, then one column per varied setting. */
    public static String table(List<Trial> trials) {
        Set<String> keys = new LinkedHashSet<>();
        trials.forEach(t -> keys.addAll(t.varied().keySet()));
        List<String> header = new ArrayList<>(List.of("#", "trial id"));
        header.addAll(keys);
        Table table = new Table(header.toArray(String[]::new));
        for (Trial t : trials) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(t.index()), t.trialId()));
            keys.forEach(k -> row.add(t.varied().getOrDefault(k, "")));
            table.row(row.toArray(String[]::new));
        }
        return table.plain();
    }

    private static boolean excluded(List<Map<String, String>> rules, Map<String, String> params, Map<String, String> defaults) {
        return rules.stream().anyMatch(rule -> rule.entrySet().stream()
                .allMatch(e -> e.getValue().equals(params.getOrDefault(e.getKey(), defaults.get(e.getKey())))));
    }

    private static Trial trial(Map<String, String> params, Located where, Map<String, Optional<String>> fits) {
        TrialConfig config;
        try {
            config = TrialConfig.fromParams(params);
        } catch (IllegalArgumentException e) {
            // Every value was checked on its own when the spec was built: what fails here is a combination.
            throw where.error(where.lastValue(), where.inTrial(e.getMessage()) + "; exclude this combination or change the values");
        }
        Optional<String> misfit = fits.computeIfAbsent(PartitionFit.key(config), k -> PartitionFit.problem(config));
        if (misfit.isPresent()) {
            int line = where.firstWritten("partition", "model", "model.hidden", "data");
            // a planned trial's fit depends on its schedule and microbatches too (interleaved 1F1B's rules)
            boolean modelVaries = where.varied.keySet().stream()
                    .anyMatch(k -> MODEL_KEYS.contains(k) || config.plan().enabled() && PLAN_FIT_KEYS.contains(k));
            throw where.error(line, modelVaries ? where.inTrial(misfit.get()) : misfit.get());
        }
        return new Trial(where.index, config.configHash(), config, where.varied);
    }

    private static String collapse(Trial first, Trial again, Located where) {
        List<String> differ = new ArrayList<>();
        for (String key : again.varied().keySet()) {
            if (!Objects.equals(first.varied().get(key), again.varied().get(key))) {
                differ.add(key);
            }
        }
        // Axis values are distinct and canonical, so two points with one id differ in settings the id leaves out.
        int line = differ.isEmpty() ? where.lastValue() : where.firstWritten(differ.get(0));
        return where.error(line, "the grid point " + settings(again.varied()) + " is trial " + first.index() + " ("
                + settings(first.varied()) + ", id " + first.trialId() + ") again: " + String.join(", ", differ)
                + (differ.size() == 1 ? " does" : " do") + " not change what this trial trains, so it runs once").getMessage();
    }

    private static String settings(Map<String, String> varied) {
        List<String> settings = new ArrayList<>();
        varied.forEach((k, v) -> settings.add(k + "=" + v));
        return String.join(", ", settings);
    }

    /** Advances the odometer: the last axis moves fastest. */
    private static void next(int[] at, List<Axis> axes) {
        for (int a = axes.size() - 1; a >= 0; a--) {
            if (++at[a] < axes.get(a).size()) {
                return;
            }
            at[a] = 0;
        }
    }

    /** The trial being built, and the lines of the file that wrote its values. */
    private static final class Located {

        private final SweepSpec spec;
        private final SweepLines lines;
        private final Map<String, Integer> axisOf;
        private final int[] at;
        private final int index;
        private final Map<String, String> varied;

        Located(SweepSpec spec, SweepLines lines, Map<String, Integer> axisOf, int[] at, int index, Map<String, String> varied) {
            this.spec = spec;
            this.lines = lines;
            this.axisOf = axisOf;
            this.at = at.clone();
            this.index = index;
            this.varied = varied;
        }

        SweepException error(int line, String problem) {
            return lines.error(line, problem);
        }

        String inTrial(String problem) {
            if (varied.isEmpty()) {
                return problem;
            }
            return "trial " + index + " (" + settings(varied) + "): " + problem;
        }

        /** Line of the first of {@code keys} this trial's values were written for. */
        int firstWritten(String... keys) {
            for (String key : keys) {
                Integer axis = axisOf.get(key);
                if (axis != null) {
                    return lines.axisValue(key, at[axis]);
                }
                if (spec.base().containsKey(key)) {
                    return lines.base(key);
                }
            }
            return lines.top();
        }

        /** Line of the value of the fastest axis, or the {@code base:} key for a sweep without axes. */
        int lastValue() {
            List<Axis> axes = spec.axes();
            if (axes.isEmpty()) {
                return lines.base();
            }
            List<String> keys = axes.get(axes.size() - 1).keys();
            return firstWritten(keys.get(keys.size() - 1));
        }
    }
}
