package org.layerpipe.core.train;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.layerpipe.core.data.DataConfig;
import org.layerpipe.core.optim.LrSchedule;
import org.layerpipe.core.optim.OptimizerConfig;
import org.layerpipe.core.partition.PartitionSpec;
import org.layerpipe.core.plan.PlanSettings;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.ActivationPolicy;
import org.layerpipe.core.weights.EmaRule;
import org.layerpipe.core.weights.WeightMode;
import org.layerpipe.core.weights.WeightSettings;

/**
 * Everything that defines one trial: immutable, validated, and convertible to and from the
 * flat {@code key → text} form that {@code train} flags, sweep files and MLflow params share
 * (keys in {@link Setting#ALL}). The config hash identifies a trial across re-runs of a sweep.
 */
public record TrialConfig(ModelConfig model, DataConfig data, PartitionSpec partition, ScheduleKind schedule,
                          int microbatches, WeightSettings weights, ActivationPolicy activations, OptimizerConfig optimizer,
                          int batchSize, int epochs, long seed, Precision precision, int threads, CheckpointConfig checkpoint,
                          PlanSettings plan) {

    /**
     * Provenance settings that were part of the id until the id was made canonical: they are still written
     * into the hashed text, always at their defaults, so that the ids of trials that left them there stay.
     */
    private static final Set<String> FORMERLY_IDENTITY = Set.of("data.path", "ema.shadow");

    /**
     * What a planned trial ({@code plan: true}) does not use: it reads no data and trains nothing, so
     * only the model, the data set's input shape, partition, schedule, microbatches, batch size and
     * the plan's cost settings decide what it predicts (the planner costs float32, whatever the precision).
     */
    private static final List<String> UNUSED_BY_PLAN = List.of("data.train_limit", "data.test_limit", "data.augment", "weights",
            "ema.rule", "ema.beta", "activations", "lr", "lr_schedule", "lr_warmup", "momentum", "weight_decay", "epochs", "seed",
            "precision");

    public TrialConfig {
        require(model != null, "model is missing");
        require(data != null, "data is missing");
        require(partition != null, "partition is missing");
        require(schedule != null, "schedule is missing");
        require(weights != null, "weights are missing");
        require(activations != null, "activations policy is missing");
        require(optimizer != null, "optimizer is missing");
        require(precision != null, "precision is missing");
        require(checkpoint != null, "checkpoint settings are missing");
        require(plan != null, "plan settings are missing");
        require(!schedule.planOnly() || plan.enabled(), "the " + label(schedule) + " schedule puts several stages on one device,"
                + " which the trainer (one thread per stage) has no use for: use it with `layerpipe plan` or plan: true");
        require(microbatches >= 1, "microbatches must be >= 1, got " + microbatches);
        require(microbatches == 1 || schedule.microbatched(),
                "microbatches > 1 needs the gpipe, 1f1b-flush or zb-h1 schedule, got " + microbatches + " with " + label(schedule));
        require(batchSize >= 1, "batch_size must be >= 1, got " + batchSize);
        require(microbatches <= batchSize, "microbatches " + microbatches + " is more than batch_size " + batchSize
                + ": a microbatch needs at least one example; use at most " + batchSize);
        if (batchSize % microbatches != 0) {
            // not require(): the divisors are worth finding only for the message
            throw new IllegalArgumentException("microbatches " + microbatches + " does not divide batch_size " + batchSize
                    + ": the synchronous schedules split each minibatch into equal microbatches; use a divisor of " + batchSize + " such as "
                    + divisorsAround(batchSize, microbatches));
        }
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(threads >= 0, "threads must be >= 0 (0 = all cores), got " + threads);
    }

    /** The divisors of {@code n} just below and just above {@code m} ({@code 4 or 8} for n = 64, m = 5). */
    private static String divisorsAround(int n, int m) {
        int below = m - 1;
        while (n % below != 0) {
            below--;
        }
        int above = m + 1;
        while (above < n && n % above != 0) {
            above++;
        }
        return below + " or " + above;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The defaults of every setting. */
    public static TrialConfig defaults() {
        return fromParams(Map.of());
    }

    /**
     * Reads a trial from settings as text; missing keys take their defaults.
     *
     * @throws IllegalArgumentException naming the setting and the bad value, or the unknown key
     */
    public static TrialConfig fromParams(Map<String, String> params) {
        Map<String, String> p = new HashMap<>();
        for (Setting s : Setting.ALL) {
            p.put(s.key(), s.defaultValue());
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            Setting.of(e.getKey());
            p.put(e.getKey(), e.getValue() == null ? "" : e.getValue().trim());
        }
        Reader r = new Reader(p);
        WeightMode mode = r.get("weights", WeightMode::parse);
        WeightSettings weights = new WeightSettings(mode, r.get("ema.rule", EmaRule::parse),
                r.get("ema.beta", Double::parseDouble), r.get("ema.shadow", Reader::bool));
        List<Integer> hidden = r.get("model.hidden", Reader::ints);
        ModelConfig model = r.get("model", name -> new ModelConfig(name, hidden));
        int trainLimit = r.get("data.train_limit", Integer::parseInt);
        int testLimit = r.get("data.test_limit", Integer::parseInt);
        boolean augment = r.get("data.augment", Reader::bool);
        DataConfig data = r.get("data", name -> new DataConfig(name, p.get("data.path"), trainLimit, testLimit, augment));
        return r.get("(trial)", ignored -> new TrialConfig(
                model,
                data,
                r.get("partition", PartitionSpec::parse),
                r.get("schedule", ScheduleKind::parse),
                r.get("microbatches", Integer::parseInt),
                weights,
                r.get("activations", ActivationPolicy::parse),
                new OptimizerConfig(r.get("lr", Double::parseDouble), r.get("lr_schedule", LrSchedule::parse),
                        r.get("momentum", Double::parseDouble), r.get("weight_decay", Double::parseDouble),
                        r.get("lr_warmup", Double::parseDouble)),
                r.get("batch_size", Integer::parseInt),
                r.get("epochs", Integer::parseInt),
                r.get("seed", Long::parseLong),
                r.get("precision", Precision::parse),
                r.get("threads", Integer::parseInt),
                new CheckpointConfig(p.get("checkpoint.dir"), r.get("checkpoint.every", Integer::parseInt),
                        r.get("checkpoint.keep", Integer::parseInt)),
                new PlanSettings(r.get("plan", Reader::bool), r.get("plan.costs", PlanSettings.Costs::parse),
                        r.get("plan.device_tflops", Double::parseDouble), r.get("plan.link_gbps", Double::parseDouble),
                        r.get("plan.link_latency_us", Double::parseDouble))));
    }

    /** Every setting as canonical text, in {@link Setting#ALL} order. */
    public Map<String, String> toParams() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("model", model.name());
        p.put("model.hidden", String.join(",", model.hidden().stream().map(String::valueOf).toList()));
        p.put("data", data.name());
        p.put("data.path", data.path());
        p.put("data.train_limit", String.valueOf(data.trainLimit()));
        p.put("data.test_limit", String.valueOf(data.testLimit()));
        p.put("data.augment", String.valueOf(data.augment()));
        p.put("partition", partition.toString());
        p.put("schedule", label(schedule));
        p.put("microbatches", String.valueOf(microbatches));
        p.put("weights", weights.mode().name().toLowerCase(Locale.ROOT));
        p.put("ema.rule", weights.rule().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        p.put("ema.beta", String.valueOf(weights.beta()));
        p.put("ema.shadow", String.valueOf(weights.shadow()));
        p.put("activations", activations.label());
        p.put("lr", String.valueOf(optimizer.lr()));
        p.put("lr_schedule", optimizer.schedule().label());
        p.put("lr_warmup", String.valueOf(optimizer.warmupEpochs()));
        p.put("momentum", String.valueOf(optimizer.momentum()));
        p.put("weight_decay", String.valueOf(optimizer.weightDecay()));
        p.put("batch_size", String.valueOf(batchSize));
        p.put("epochs", String.valueOf(epochs));
        p.put("seed", String.valueOf(seed));
        p.put("precision", precision.label());
        p.put("threads", String.valueOf(threads));
        p.put("checkpoint.dir", checkpoint.dir());
        p.put("checkpoint.every", String.valueOf(checkpoint.every()));
        p.put("checkpoint.keep", String.valueOf(checkpoint.keep()));
        p.put("plan", String.valueOf(plan.enabled()));
        p.put("plan.costs", plan.costs().label());
        p.put("plan.device_tflops", String.valueOf(plan.deviceTflops()));
        p.put("plan.link_gbps", String.valueOf(plan.linkGbps()));
        p.put("plan.link_latency_us", String.valueOf(plan.linkLatencyUs()));
        return p;
    }

    /** A copy with some settings replaced (keys and values as text). */
    public TrialConfig with(Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>(toParams());
        p.putAll(overrides);
        return fromParams(p);
    }

    /**
     * The settings that cannot change the weights this trial trains, so that its id leaves them out:
     * <ul>
     *   <li>provenance and resources, for every trial: {@code data.path}, {@code ema.shadow}, {@code threads},
     *       {@code checkpoint.*} (settings that are not {@link Setting#identity()});
     *   <li>{@code ema.rule} and {@code ema.beta} unless {@code weights: ema}, and {@code ema.beta} unless
     *       {@code ema.rule: fixed} (the other rules derive β from the stage's delay);
     *   <li>{@code weights}, {@code ema.rule} and {@code ema.beta} when no stage is ever stale (SEQUENTIAL,
     *       GPIPE, 1F1B-flush, or one stage): every history then hands the backward the current weights;
     *   <li>{@code model.hidden} unless the model is the mlp;
     *   <li>{@code microbatches} unless the schedule splits minibatches (GPIPE, 1F1B-flush; the others need it at 1);
     *   <li>the {@code plan.*} cost settings unless {@code plan: true}, and {@code plan.device_tflops} unless the costs
     *       are estimated; for a planned trial, everything about data, weights, optimisation and seed
     *       ({@link #UNUSED_BY_PLAN}).
     * </ul>
     * Everything else changes the trained weights or what the trial measures (e.g. {@code activations}
     * and {@code data.test_limit}), and stays in the id.
     */
    public Set<String> ignoredSettings() {
        Set<String> ignored = new LinkedHashSet<>();
        for (Setting s : Setting.ALL) {
            if (!s.identity()) {
                ignored.add(s.key());
            }
        }
        // stage 0 has the most stages after it, so the largest delay
        boolean stale = schedule.delay(partition.numStages() - 1) > 0;
        if (!stale) {
            ignored.add("weights");
        }
        if (!stale || weights.mode() != WeightMode.EMA) {
            ignored.add("ema.rule");
        }
        if (ignored.contains("ema.rule") || weights.rule() != EmaRule.FIXED) {
            ignored.add("ema.beta");
        }
        if (!model.name().equals("mlp")) {
            ignored.add("model.hidden");
        }
        if (!schedule.microbatched()) {
            ignored.add("microbatches");
        }
        if (plan.enabled()) {
            ignored.addAll(UNUSED_BY_PLAN);
        } else {
            ignored.addAll(List.of("plan.costs", "plan.device_tflops", "plan.link_gbps", "plan.link_latency_us"));
        }
        if (plan.costs() != PlanSettings.Costs.ESTIMATED) {
            ignored.add("plan.device_tflops");
        }
        return Collections.unmodifiableSet(ignored);
    }

    /**
     * Stable identity of the trial's result: SHA-256 over the canonical text of the settings that can
     * change its trained weights ({@link #ignoredSettings()} are written at their defaults) and, for a
     * {@code dl4j:} model, the SHA-256 of its file; first 16 hex digits.
     */
    public String configHash() {
        StringBuilder canonical = new StringBuilder();
        Map<String, String> p = toParams();
        Set<String> ignored = ignoredSettings();
        for (Setting s : Setting.ALL) {
            // activations and lr_warmup came after the first sweeps ran: at their defaults they leave those trial ids as they were
            // so did the plan settings: a trained trial's id never holds them
            boolean addedAtDefault = s.key().equals("activations") && activations == ActivationPolicy.STASH
                    || s.key().equals("lr_warmup") && optimizer.warmupEpochs() == 0
                    || (s.key().equals("plan") || s.key().startsWith("plan.")) && !plan.enabled();
            if ((!s.identity() && !FORMERLY_IDENTITY.contains(s.key())) || addedAtDefault) {
                continue;
            }
            // An ignored setting is written at its default rather than left out: a trial that left it at its
            // default keeps the id it always had.
            String value = ignored.contains(s.key()) ? s.defaultValue() : p.get(s.key());
            canonical.append(s.key()).append('=').append(value).append('\n');
        }
        if (model.imported()) {
            // the file's content, so that two different networks at one path are two trials
            canonical.append("model.sha256=").append(model.digest()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static String label(ScheduleKind kind) {
        return switch (kind) {
            case SEQUENTIAL -> "sequential";
            case LAYERPIPE2 -> "layerpipe2";
            case ONE_F_ONE_B -> "1f1b";
            case GPIPE -> "gpipe";
            case ONE_F_ONE_B_FLUSH -> "1f1b-flush";
            case ZB_H1 -> "zb-h1";
            case INTERLEAVED_1F1B -> "interleaved-1f1b";
        };
    }

    /** Parses settings, naming the setting in every error. */
    private record Reader(Map<String, String> params) {

        <T> T get(String key, Parser<T> parser) {
            String text = params.get(key);
            try {
                return parser.parse(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting '" + key + "': '" + text + "' is not a valid number");
            } catch (IllegalArgumentException e) {
                throw key.startsWith("(") ? e : new IllegalArgumentException("setting '" + key + "': " + e.getMessage(), e);
            }
        }

        static boolean bool(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
            };
        }

        static List<Integer> ints(String text) {
            String t = text.replace("[", "").replace("]", "").trim();
            if (t.isEmpty()) {
                return List.of();
            }
            List<Integer> values = new ArrayList<>();
            for (String part : Arrays.asList(t.split(","))) {
                values.add(Integer.parseInt(part.trim()));
            }
            return values;
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text);
    }
}
