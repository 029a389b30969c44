package org.layerpipe.core.train;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One trial setting as users write it: the same key in {@code train} flags
 * ({@code --key value}), sweep files and MLflow params.
 *
 * @param key          e.g. {@code partition}
 * @param defaultValue canonical default text
 * @param help         one line for {@code --help}
 * @param identity     whether it can change the weights a trial trains (and so its config hash); resources
 *                     ({@code threads}), data locations ({@code data.path}) and diagnostics ({@code ema.shadow}) cannot:
 *                     they are provenance, logged with the trial but not part of its id. Some identity settings
 *                     matter only for some trials ({@link TrialConfig#ignoredSettings()})
 */
public record Setting(String key, String defaultValue, String help, boolean identity) {

    /** Every setting, in canonical order. */
    public static final List<Setting> ALL = List.of(
            new Setting("model", "mlp", "model: mlp, cnn, resnet18, or dl4j:PATH (a DL4J configuration JSON, or a ModelSerializer"
                    + " zip whose weights start the training; the file's SHA-256 is part of the config hash)", true),
            new Setting("model.hidden", "256,128", "hidden widths of the mlp, comma-separated", true),
            new Setting("data", "fashion-mnist", "data set: fashion-mnist, mnist, cifar10, cifar100 or synthetic", true),
            new Setting("data.path", "", "folder (any Hadoop path) holding the data set's files; empty = the data set's default location"
                    + " (not part of the trial id: moving the data keeps it)", false),
            new Setting("data.train_limit", "0", "use only the first N training examples (0 = all)", true),
            new Setting("data.test_limit", "0", "use only the first N test examples (0 = all)", true),
            new Setting("data.augment", "false", "random crop (padding 4) and horizontal flip, for CIFAR", true),
            new Setting("partition", "balanced:2", "stage sizes like [2,2,1], or balanced:M for M cost-balanced stages", true),
            new Setting("schedule", "layerpipe2", "pipeline schedule: sequential, layerpipe2, 1f1b, gpipe, 1f1b-flush or zb-h1;"
                    + " with plan: true also interleaved-1f1b", true),
            new Setting("microbatches", "1", "microbatches per minibatch (gpipe, 1f1b-flush and zb-h1)", true),
            new Setting("weights", "ema", "weights the backward uses: latest, stash or ema", true),
            new Setting("ema.rule", "pipeline-aware", "EMA rule: pipeline-aware, fixed or weight-average", true),
            new Setting("ema.beta", "0.9", "EMA decay for the fixed rule, in [0, 1)", true),
            new Setting("ema.shadow", "false", "keep an exact stash beside the EMA and report its reconstruction error"
                    + " (a diagnostic: not part of the trial id)", false),
            new Setting("activations", "stash", "what a stage keeps for a minibatch's backward: stash (the tensors its forward saved)"
                    + " or recompute (only the stage input; the forward is re-run with the backward's weights)", true),
            new Setting("lr", "0.05", "base learning rate", true),
            new Setting("lr_schedule", "constant", "learning-rate schedule: constant, cosine or step", true),
            new Setting("lr_warmup", "0", "epochs of linear learning-rate warm-up before the schedule (0 = none; fractions allowed)", true),
            new Setting("momentum", "0.9", "SGD momentum in [0, 1)", true),
            new Setting("weight_decay", "0", "L2 weight decay", true),
            new Setting("batch_size", "64", "examples per minibatch", true),
            new Setting("epochs", "1", "passes over the training data", true),
            new Setting("seed", "1", "seed of initial weights, shuffling and augmentation", true),
            new Setting("precision", "float", "float or double", true),
            new Setting("threads", "0", "CPU threads for the trial (0 = all cores)", false),
            new Setting("checkpoint.dir", "", "folder (any Hadoop path) for epoch checkpoints, one subfolder per trial id; a re-run"
                    + " with the same folder resumes from the last one; empty = none (not part of the trial id)", false),
            new Setting("checkpoint.every", "1", "write a checkpoint after every N-th epoch and after the last", false),
            new Setting("checkpoint.keep", "2", "checkpoints kept per trial, newest first; older ones are deleted", false),
            new Setting("plan", "false", "simulate the trial with the planner (layerpipe plan's cost model) instead of training it:"
                    + " no data is read, nothing is trained; balanced:M means M devices and the best partition for the schedule", true),
            new Setting("plan.costs", "estimated", "block costs of a planned trial: estimated (multiply-adds at plan.device_tflops)"
                    + " or measured (each block profiled on the machine that plans it)", true),
            new Setting("plan.device_tflops", "10", "sustained TFLOP/s of one device, for estimated plan costs", true),
            new Setting("plan.link_gbps", "100", "bandwidth between neighbouring devices of a planned trial, Gbit/s", true),
            new Setting("plan.link_latency_us", "10", "latency per transfer between devices of a planned trial, µs", true));

    /**
     * Names users reach for that are not our keys, each with the key it means; spelling slips are
     * caught by edit distance instead. Written as {@link #normal} text.
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("learning_rate", "lr"), Map.entry("learningrate", "lr"), Map.entry("rate", "lr"),
            Map.entry("batch", "batch_size"), Map.entry("batchsize", "batch_size"), Map.entry("bs", "batch_size"),
            Map.entry("minibatch_size", "batch_size"), Map.entry("epoch", "epochs"), Map.entry("num_epochs", "epochs"),
            Map.entry("wd", "weight_decay"), Map.entry("decay", "weight_decay"), Map.entry("l2", "weight_decay"),
            Map.entry("hidden_sizes", "model.hidden"), Map.entry("widths", "model.hidden"),
            Map.entry("micro_batches", "microbatches"), Map.entry("chunks", "microbatches"),
            Map.entry("dataset", "data"), Map.entry("data_dir", "data.path"), Map.entry("stages", "partition"),
            Map.entry("weight_mode", "weights"), Map.entry("mode", "weights"), Map.entry("scheduler", "lr_schedule"),
            Map.entry("lr_scheduler", "lr_schedule"), Map.entry("pipeline", "schedule"), Map.entry("dtype", "precision"),
            Map.entry("num_threads", "threads"), Map.entry("mu", "momentum"), Map.entry("augmentation", "data.augment"),
            Map.entry("checkpoint_path", "checkpoint.dir"),
            Map.entry("checkpoints", "checkpoint.dir"), Map.entry("simulate", "plan"), Map.entry("dry_run", "plan"), Map.entry("devices", "partition"),
            Map.entry("tflops", "plan.device_tflops"), Map.entry("link_bandwidth", "plan.link_gbps"));

    /**
     * The setting with this key.
     *
     * @throws IllegalArgumentException naming the nearest known key ({@code unknown setting 'learning_rate': did you
     *                                  mean 'lr'?}), or listing every known key when none is near
     */
    public static Setting of(String key) {
        for (Setting s : ALL) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + key + "': " + nearest(key)
                .map(s -> "did you mean '" + s.key + "'?")
                .orElse("known settings are " + String.join(", ", ALL.stream().map(Setting::key).toList())));
    }

    /**
     * The known setting {@code name} most likely means: an alias ({@code learning_rate → lr}), the same key
     * written with other separators ({@code data_path → data.path}) or without its prefix
     * ({@code beta → ema.beta}), or the key nearest in edit distance if it is a slip away
     * ({@code lrr → lr}, {@code momentun → momentum}: one edit for short keys, two for longer ones).
     */
    public static Optional<Setting> nearest(String name) {
        String n = normal(name == null ? "" : name);
        if (ALIASES.containsKey(n)) {
            return Optional.of(of(ALIASES.get(n)));
        }
        Setting best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : ALL) {
            String key = normal(s.key);
            String shortName = s.key.contains(".") ? normal(s.key.substring(s.key.indexOf('.') + 1)) : key;
            if (n.equals(key) || n.equals(shortName)) {
                return Optional.of(s);
            }
            int d = Math.min(distance(n, key), distance(n, shortName));
            int allowed = Math.min(key.length(), shortName.length()) <= 4 ? 1 : 2;
            if (d <= allowed && d < bestDistance) {
                best = s;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Of {@code names} (a command's own flags, say), the one {@code name} is a slip away from by the rule
     * {@link #nearest} uses for keys: one edit for names of up to four characters, two for longer ones,
     * separators and case ignored, and fewer edits than {@code name} has characters; the nearest if several are.
     */
    public static Optional<String> nearestOf(String name, Collection<String> names) {
        String n = normal(name == null ? "" : name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : names) {
            String c = normal(candidate);
            int d = distance(n, c);
            if (d <= (c.length() <= 4 ? 1 : 2) && d < n.length() && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Lower case with '.', '-' and '_' all written '_': how a key is compared with what a user typed. */
    private static String normal(String text) {
        return text.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
