package org.layerpipe.jobs.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.jobs.notebooks.RepoFolder;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;

/**
 * Every study in {@code experiments/} parses, expands to the grid it is meant to have, and says
 * in its header what it asks, what it costs and what it is sized for. A study that stops
 * expanding, or silently grows or shrinks, fails here rather than on a cluster.
 */
class ExperimentsTest {

    /** Trials per study: change a count only together with the study's header. */
    private static final Map<String, Integer> TRIALS = Map.of(
            "quickstart.yaml", 4,                       // sequential + layerpipe2 x {latest, stash, ema}
            "fidelity-mlp.yaml", 57,                    // (6 variants x 3 partitions + sequential) x 3 seeds
            "fidelity-cnn.yaml", 57,                    // (6 variants x 3 partitions + sequential on one stage) x 3 seeds
            "warmup.yaml", 60,                          // 4 recipes x (sequential + 2 modes x 2 partitions) x 3 seeds
            "weight-modes-fashion-mnist.yaml", 66,      // (1 + 7 variants) x 3 partitions x 3 seeds, sequential at M = 2 only
            "resnet18-cifar100.yaml", 32,               // (1 + 5 variants) x 3 partitions x 2 seeds, sequential at M = 2 only
            "partitions-resnet18.yaml", 32,             // (1 + 3 variants) x 5 partitions x 2 seeds, sequential once per seed
            "plan-resnet18.yaml", 336);                 // planned: 14 device counts x 2 links x 12 (schedule, microbatches)

    static Stream<Path> studies() throws IOException {
        try (Stream<Path> files = Files.list(RepoFolder.find("experiments"))) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList().stream();
        }
    }

    @Test
    void everyStudyHasAnExpectedTrialCount() throws IOException {
        assertEquals(new TreeSet<>(TRIALS.keySet()), studies().map(f -> f.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new)), "experiments/*.yaml vs ExperimentsTest.TRIALS");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("studies")
    void expandsToItsTrials(Path file) {
        SweepSpec spec = SweepParser.read(file);
        List<Trial> trials = SweepExpander.expand(spec);
        assertFalse(trials.isEmpty());
        assertEquals(TRIALS.get(file.getFileName().toString()), trials.size(), file.getFileName() + ":\n" + SweepExpander.table(trials));
        assertEquals(file.getFileName().toString().replaceFirst("\\.ya?ml$", ""), spec.name(), "a study is named after its file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("studies")
    void startsWithAHeaderSayingQuestionCostAndHardware(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = lines.stream().takeWhile(l -> l.startsWith("#")).toList();
        assertTrue(header.size() >= 3, file.getFileName() + " starts with a comment header");
        for (String part : List.of("# Question:", "# Cost:", "# Hardware:")) {
            assertTrue(header.stream().anyMatch(l -> l.startsWith(part)), file.getFileName() + ": the header has a '" + part + "' line");
        }
    }

    /** Settings that cannot change how a trial trains, given the others, are left out of the comparison. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("studies")
    void noTwoTrialsTrainTheSameWay(Path file) {
        Map<Map<String, String>, Trial> seen = new HashMap<>();
        for (Trial t : SweepExpander.expand(SweepParser.read(file))) {
            Map<String, String> p = new LinkedHashMap<>(t.config().toParams());
            p.remove("threads");
            p.remove("ema.shadow");         // a diagnostic beside the history: training is the same
            if (p.get("schedule").equals("sequential")) {
                // Nothing is stale without a pipeline: every weight mode trains the same.
                p.keySet().removeAll(Set.of("weights", "ema.rule", "ema.beta"));
            } else if (!p.get("weights").equals("ema")) {
                p.keySet().removeAll(Set.of("ema.rule", "ema.beta"));
            } else if (!p.get("ema.rule").equals("fixed")) {
                p.remove("ema.beta");
            }
            Trial same = seen.putIfAbsent(p, t);
            assertTrue(same == null, file.getFileName() + ": trials " + (same == null ? "" : same.index()) + " and " + t.index()
                    + " train the same way (" + SweepExpander.runName(t) + ")");
        }
    }

    @Test
    void quickstartComparesEveryModeAtOnePartitionOnRealFashionMnist() {
        List<Trial> trials = SweepExpander.expand(SweepParser.read(RepoFolder.find("experiments").resolve("quickstart.yaml")));
        assertEquals(Set.of("fashion-mnist"), Set.copyOf(trials.stream().map(t -> t.config().data().name()).toList()));
        assertEquals(Set.of(""), Set.copyOf(trials.stream().map(t -> t.config().data().path()).toList()),
                "the quickstart reads the Debian package's files (data.path empty)");
        assertEquals(1, trials.stream().map(t -> t.config().partition().toString()).distinct().count(), "one partition");
        assertEquals(List.of("sequential stash", "layerpipe2 latest", "layerpipe2 stash", "layerpipe2 ema-pa"),
                trials.stream().map(t -> TrialConfig.label(t.config().schedule()) + " " + t.config().weights().label()).toList());
        assertTrue(trials.stream().allMatch(t -> t.config().weights().shadow()), "ema.shadow on: reconstruction error is measured");
    }

    @Test
    void theReadmeListsEveryStudy() throws IOException {
        String readme = Files.readString(RepoFolder.find("experiments").resolve("README.md"));
        studies().forEach(f -> assertTrue(readme.contains(f.getFileName().toString()), "experiments/README.md names " + f.getFileName()));
    }
}
