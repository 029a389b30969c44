package org.layerpipe.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.train.Setting;
import org.layerpipe.core.train.TrialConfig;

class SweepExpanderTest {

    private static List<Trial> expand(String yaml) {
        return SweepExpander.expand(SweepParser.parse("test.yaml", yaml));
    }

    private static List<String> names(List<Trial> trials) {
        return trials.stream().map(SweepExpander::runName).toList();
    }

    @Test
    void productRunsLikeNestedLoopsInWrittenOrder() {
        List<Trial> trials = SweepExpander.expand(SweepParser.parse("q.yaml", SweepParserTest.QUICKSTART));
        assertEquals(List.of(
                "latest · [2,2,1] · seed 1", "latest · [2,2,1] · seed 2", "latest · balanced:3 · seed 1", "latest · balanced:3 · seed 2",
                "stash · [2,2,1] · seed 1", "stash · [2,2,1] · seed 2", "stash · balanced:3 · seed 1", "stash · balanced:3 · seed 2",
                "ema-pa · [2,2,1] · seed 1", "ema-pa · [2,2,1] · seed 2", "ema-pa · balanced:3 · seed 1", "ema-pa · balanced:3 · seed 2"),
                names(trials));
        for (int i = 0; i < trials.size(); i++) {
            assertEquals(i, trials.get(i).index());
        }
        Trial first = trials.get(0);
        assertEquals(Map.of("weights", "latest", "partition", "[2,2,1]", "seed", "1"), first.varied());
        assertEquals(List.of("weights", "partition", "seed"), List.copyOf(first.varied().keySet()));
        // The base reaches every trial; unset keys take their defaults.
        assertEquals("0.1", first.config().toParams().get("lr"));
        assertEquals("synthetic", first.config().data().name());
        assertEquals("0.9", first.config().toParams().get("momentum"));
    }

    @Test
    void zipGroupIsOneAxisAtItsWrittenPlace() {
        List<Trial> zipLast = expand("""
                name: z
                axes:
                  seed: [1, 2]
                zip:
                  - schedule: [sequential, layerpipe2]
                    weights: [stash, ema]
                """);
        assertEquals(List.of("seed 1 · schedule=sequential · stash", "seed 1 · schedule=layerpipe2 · ema-pa",
                "seed 2 · schedule=sequential · stash", "seed 2 · schedule=layerpipe2 · ema-pa"), names(zipLast));

        List<Trial> zipFirst = expand("""
                name: z
                zip:
                  - schedule: [sequential, layerpipe2]
                    weights: [stash, ema]
                axes:
                  seed: [1, 2]
                """);
        assertEquals(List.of("schedule=sequential · stash · seed 1", "schedule=sequential · stash · seed 2",
                "schedule=layerpipe2 · ema-pa · seed 1", "schedule=layerpipe2 · ema-pa · seed 2"), names(zipFirst));
    }

    @Test
    void excludeDropsTrialsMatchingEverySettingOfARule() {
        List<Trial> trials = expand("""
                name: ex
                base: {lr: 0.1}
                axes:
                  schedule: [sequential, layerpipe2]
                  weights: [latest, stash, ema]
                  seed: [1, 2]
                exclude:
                  - {schedule: sequential, weights: ema}
                  - {schedule: sequential, weights: latest, seed: 2}
                  - {lr: 0.2, weights: stash}
                  - {momentum: 0.90, seed: 1, weights: latest}
                """);
        // 2·3·2 = 12; rule 1 drops 2, rule 2 drops 1, rule 3 matches nothing (lr is 0.1), rule 4 (momentum's
        // default, written differently) drops the two latest·seed 1 trials.
        assertEquals(List.of("schedule=sequential · stash · seed 1", "schedule=sequential · stash · seed 2",
                "schedule=layerpipe2 · latest · seed 2", "schedule=layerpipe2 · stash · seed 1",
                "schedule=layerpipe2 · stash · seed 2", "schedule=layerpipe2 · ema-pa · seed 1",
                "schedule=layerpipe2 · ema-pa · seed 2"), names(trials));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), trials.stream().map(Trial::index).toList());
    }

    @Test
    void exclusionRemovesCombinationsThatWouldBeInvalid() {
        List<Trial> trials = expand("""
                name: mb
                axes:
                  schedule: [gpipe, layerpipe2]
                  microbatches: [1, 4]
                exclude:
                  - {schedule: layerpipe2, microbatches: 4}
                """);
        assertEquals(List.of("schedule=gpipe · microbatches=1", "schedule=gpipe · microbatches=4",
                "schedule=layerpipe2 · microbatches=1"), names(trials));
    }

    @Test
    void aSweepWithoutAxesIsOneTrial() {
        List<Trial> trials = expand("name: one\nbase: {seed: 3}\n");
        assertEquals(1, trials.size());
        assertEquals("base", SweepExpander.runName(trials.get(0)));
        assertEquals(Map.of(), trials.get(0).varied());
        assertEquals(3L, trials.get(0).config().seed());
    }

    @Test
    void trialIdsAreTheConfigHashAndStable() {
        List<Trial> once = SweepExpander.expand(SweepParser.parse("q.yaml", SweepParserTest.QUICKSTART));
        List<Trial> again = SweepExpander.expand(SweepParser.parse("elsewhere.yaml", SweepParserTest.QUICKSTART));
        assertEquals(once, again);
        for (Trial t : once) {
            assertEquals(t.config().configHash(), t.trialId());
        }
        assertEquals(12, new HashSet<>(once.stream().map(Trial::trialId).toList()).size());
        // Pinned: a re-run of a sweep finds its finished trials by these ids, in any JVM, on any machine.
        assertEquals("aa6ce0c22eb13c37", once.get(0).trialId());
    }

    @Test
    void everyIdentitySettingChangesTheId() {
        // A second value for every setting that changes a trial's result; a new setting must be added here.
        Map<String, String> other = new LinkedHashMap<>();
        other.put("model", "cnn");
        other.put("model.hidden", "64");
        other.put("data", "mnist");
        other.put("data.train_limit", "100");
        other.put("data.test_limit", "10");
        other.put("data.augment", "true");
        other.put("partition", "balanced:3");
        other.put("schedule", "1f1b");
        other.put("microbatches", "2");
        other.put("weights", "stash");
        other.put("ema.rule", "fixed");
        other.put("ema.beta", "0.5");
        other.put("activations", "recompute");
        other.put("lr", "0.1");
        other.put("lr_schedule", "cosine");
        other.put("lr_warmup", "1");
        other.put("momentum", "0.5");
        other.put("weight_decay", "0.0001");
        other.put("batch_size", "32");
        other.put("epochs", "3");
        other.put("seed", "7");
        other.put("precision", "double");
        other.put("plan", "true");
        other.put("plan.costs", "measured");
        other.put("plan.device_tflops", "20");
        other.put("plan.link_gbps", "25");
        other.put("plan.link_latency_us", "1");
        Set<String> identity = new HashSet<>();
        Setting.ALL.stream().filter(Setting::identity).forEach(s -> identity.add(s.key()));
        assertEquals(identity, other.keySet());

        Map<String, String> defaults = TrialConfig.defaults().toParams();
        for (Map.Entry<String, String> e : other.entrySet()) {
            String key = e.getKey();
            // microbatches > 1 needs gpipe and ema.beta the fixed rule; everything else varies against the defaults.
            // the plan's cost settings matter to planned trials only
            String base = key.equals("microbatches") ? "base: {schedule: gpipe}\n" : key.equals("ema.beta") ? "base: {ema.rule: fixed}\n"
                    : key.startsWith("plan.") ? "base: {plan: true}\n" : "";
            List<Trial> trials = expand("name: id\n" + base + "axes:\n  " + key + ": [\"" + defaults.get(key) + "\", \"" + e.getValue() + "\"]\n");
            assertEquals(2, trials.size(), key);
            assertNotEquals(trials.get(0).trialId(), trials.get(1).trialId(), key);
        }
    }

    @Test
    void gridPointsATrialIgnoresCollapseIntoOneTrial() {
        SweepExpander.Expansion e = SweepExpander.expansion(SweepParser.parse("c.yaml", """
                name: c
                axes:
                  weights: [stash]
                  ema.beta: [0.5, 0.9]
                """));
        assertEquals(1, e.trials().size());
        assertEquals(Map.of("weights", "stash", "ema.beta", "0.5"), e.trials().get(0).varied());
        assertEquals(List.of("c.yaml:4: the grid point weights=stash, ema.beta=0.9 is trial 0 (weights=stash, ema.beta=0.5, id "
                + e.trials().get(0).trialId() + ") again: ema.beta does not change what this trial trains, so it runs once"), e.collapsed());

        // Under EMA's fixed rule beta matters; SEQUENTIAL is never stale, so its weight modes are one trial.
        SweepExpander.Expansion mixed = SweepExpander.expansion(SweepParser.parse("m.yaml", """
                name: m
                base: {ema.rule: fixed}
                axes:
                  schedule: [sequential, layerpipe2]
                  weights: [stash, ema]
                  ema.beta: [0.5, 0.9]
                """));
        assertEquals(List.of("schedule=sequential · stash", "schedule=layerpipe2 · stash", "schedule=layerpipe2 · ema-b0.5",
                "schedule=layerpipe2 · ema-b0.9"), names(mixed.trials()));
        assertEquals(List.of(0, 1, 2, 3), mixed.trials().stream().map(Trial::index).toList());
        assertEquals(4, mixed.collapsed().size(), String.join("\n", mixed.collapsed()));
        assertTrue(mixed.collapsed().get(0).startsWith("m.yaml:6: the grid point schedule=sequential, weights=stash, ema.beta=0.9 is trial 0"),
                mixed.collapsed().get(0));
    }

    @Test
    void movingTheDataKeepsTheTrialIds() {
        String sweep = """
                name: d
                base: {data: fashion-mnist, data.path: "%s"}
                axes:
                  weights: [latest, stash, ema]
                  seed: [1, 2]
                """;
        List<String> local = expand(sweep.formatted("file:/data/fashion-mnist")).stream().map(Trial::trialId).toList();
        List<String> hdfs = expand(sweep.formatted("hdfs:///datasets/fashion-mnist")).stream().map(Trial::trialId).toList();
        assertEquals(6, new HashSet<>(local).size());
        assertEquals(local, hdfs);
        List<String> shadowed = expand(sweep.formatted("") + "  ema.shadow: [true]\n").stream().map(Trial::trialId).toList();
        assertEquals(local, shadowed, "ema.shadow is a diagnostic");
    }

    @Test
    void threadsDoNotChangeTheId() {
        List<Trial> one = expand("name: t\nbase: {threads: 1}\naxes:\n  seed: [1, 2]\n");
        List<Trial> four = expand("name: t\nbase: {threads: 4}\naxes:\n  seed: [1, 2]\n");
        assertEquals(one.stream().map(Trial::trialId).toList(), four.stream().map(Trial::trialId).toList());
        assertEquals(4, four.get(0).config().threads());
    }

    @Test
    void runNameSumsUpTheWeightSettings() {
        List<Trial> trials = expand("""
                name: w
                base: {weights: ema}
                axes:
                  ema.rule: [fixed, weight-average]
                  ema.beta: [0.5]
                  lr: [0.1]
                """);
        assertEquals(List.of("ema-b0.5 · lr=0.1", "ema-wa · lr=0.1"), names(trials));
    }

    @Test
    void tableAlignsOneColumnPerVariedSetting() {
        List<Trial> trials = expand("""
                name: t
                axes:
                  weights: [latest, stash]
                  partition: [[2,2,1], "balanced:3"]
                """);
        String ids = trials.stream().map(Trial::trialId).toList().toString();
        assertEquals(String.join("\n",
                "#  trial id          weights  partition",
                "0  " + trials.get(0).trialId() + "  latest   [2,2,1]",
                "1  " + trials.get(1).trialId() + "  latest   balanced:3",
                "2  " + trials.get(2).trialId() + "  stash    [2,2,1]",
                "3  " + trials.get(3).trialId() + "  stash    balanced:3",
                ""), SweepExpander.table(trials), ids);
    }

    @Test
    void specsBuiltInCodeExpandToo() {
        // Values are made canonical by the spec itself, so "02" excludes seed 2.
        SweepSpec spec = new SweepSpec("code", null, Map.of("lr", "0.10"),
                List.of(Axis.of("seed", List.of("1", "2", "3"))), List.of(Map.of("seed", "02")), 10, null, "<code>");
        assertEquals(Map.of("lr", "0.1"), spec.base());
        assertEquals("layerpipe2-code", spec.experiment());
        assertEquals(List.of("seed 1", "seed 3"), names(SweepExpander.expand(spec)));
        SweepSpec tooBig = new SweepSpec("code", null, Map.of(), spec.axes(), List.of(), 2, null, "<code>");
        SweepException e = assertThrows(SweepException.class, () -> SweepExpander.expand(tooBig));
        assertEquals("<code>:1: the grid has 3 trials, more than max_trials 2: raise max_trials if you mean it", e.getMessage());
    }
}
