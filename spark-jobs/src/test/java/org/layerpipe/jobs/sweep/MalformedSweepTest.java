package org.layerpipe.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every mistake in a sweep file gives one exact message, located at the offending line. */
class MalformedSweepTest {

    private static final String KNOWN_SETTINGS = "known settings are model, model.hidden, data, data.path, "
            + "data.train_limit, data.test_limit, data.augment, partition, schedule, microbatches, weights, ema.rule, "
            + "ema.beta, ema.shadow, activations, lr, lr_schedule, lr_warmup, momentum, weight_decay, batch_size, epochs, seed, precision, threads, "
            + "checkpoint.dir, checkpoint.every, checkpoint.keep, plan, plan.costs, plan.device_tflops, plan.link_gbps, plan.link_latency_us";

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("early stopping: not a mapping", """
                        name: x
                        early_stopping: successive-halving
                        """, "bad.yaml:2: early_stopping must be a mapping like {rule: successive-halving, metric: test_accuracy,"
                        + " mode: max, min_epochs: 1, reduction: 3}, got the single value 'successive-halving'"),
                bad("early stopping: unknown rule", """
                        name: x
                        early_stopping: {rule: hyperband}
                        """, "bad.yaml:2: early_stopping rule 'hyperband' is not known: the one rule is successive-halving"),
                bad("early stopping: bad mode", """
                        name: x
                        early_stopping:
                          mode: best
                        """, "bad.yaml:3: early_stopping mode must be max or min, got 'best'"),
                bad("early stopping: min_epochs not a number", """
                        name: x
                        early_stopping:
                          min_epochs: one
                        """, "bad.yaml:3: early_stopping min_epochs must be a whole number, got 'one'"),
                bad("not YAML: unclosed list", """
                        name: x
                        axes: [a, b
                        """, "bad.yaml:2: not valid YAML: expected ',' or ']', but got <stream end> (while parsing a flow sequence, line 2)"),
                bad("not YAML: bad indentation", """
                        name: x
                        base:
                          lr: 0.1
                           momentum: 0.9
                        """, "bad.yaml:4: not valid YAML: mapping values are not allowed here"),
                bad("no document", """
                        # only a comment
                        """, "bad.yaml:1: the file has no sweep in it: start with a line like name: my-sweep"),
                bad("top level is a list", """
                        - name: x
                        """, "bad.yaml:1: the top level must be a mapping of keys like name: and axes:, got a list"),
                bad("top level is a value", """
                        quickstart
                        """, "bad.yaml:1: the top level must be a mapping of keys like name: and axes:, got the single value 'quickstart'"),
                bad("missing name", """
                        # header
                        axes:
                          seed: [1, 2]
                        """, "bad.yaml:2: name is missing: add a line like name: my-sweep"),
                bad("name with a space", """
                        name: my sweep
                        """, "bad.yaml:1: name 'my sweep' may use only letters, digits, '-', '_' and '.': rename the sweep, e.g. my-sweep"),
                bad("unknown top-level key", """
                        name: x
                        axis:
                          seed: [1, 2]
                        """, "bad.yaml:2: unknown key 'axis': a sweep file has name, experiment, base, axes, zip, exclude, max_trials and early_stopping"),
                bad("duplicate key", """
                        name: x
                        base:
                          lr: 0.1
                          lr: 0.2
                        """, "bad.yaml:4: duplicate key 'lr': it is already set on line 3; keep one"),
                bad("unknown setting in base", """
                        name: x
                        base:
                          lrr: 0.1
                        """, "bad.yaml:3: unknown setting 'lrr': did you mean 'lr'?"),
                bad("unknown setting far from every known one", """
                        name: x
                        base:
                          colour: red
                        """, "bad.yaml:3: unknown setting 'colour': " + KNOWN_SETTINGS),
                bad("a setting under another tool's name", """
                        name: x
                        base:
                          learning_rate: 0.1
                        """, "bad.yaml:3: unknown setting 'learning_rate': did you mean 'lr'?"),
                bad("a setting without its prefix", """
                        name: x
                        axes:
                          beta: [0.5, 0.9]
                        """, "bad.yaml:3: unknown setting 'beta': did you mean 'ema.beta'?"),
                bad("unknown setting in axes", """
                        name: x
                        axes:
                          seeds: [1, 2]
                        """, "bad.yaml:3: unknown setting 'seeds': did you mean 'seed'?"),
                bad("unknown setting in zip", """
                        name: x
                        zip:
                          - schedule: [sequential, layerpipe2]
                            weight: [stash, ema]
                        """, "bad.yaml:4: unknown setting 'weight': did you mean 'weights'?"),
                bad("unknown setting in exclude", """
                        name: x
                        axes:
                          weights: [stash, ema]
                        exclude:
                          - {weight: ema}
                        """, "bad.yaml:5: unknown setting 'weight': did you mean 'weights'?"),
                bad("axis given a single value", """
                        name: x
                        axes:
                          weights: stash
                        """, "bad.yaml:3: 'weights' must be a list of values, got the single value 'stash': write weights: [stash]"),
                bad("base given a list", """
                        name: x
                        base: [lr, 0.1]
                        """, "bad.yaml:2: base must be a mapping of setting: value, got a list"),
                bad("base value given a list", """
                        name: x
                        base:
                          lr: [0.1, 0.2]
                        """, "bad.yaml:3: setting 'lr' takes a single value, got a list"),
                bad("base value missing", """
                        name: x
                        base:
                          lr:
                        """, "bad.yaml:3: setting 'lr' takes a single value, got no value: write a value, or \"\" for empty text"),
                bad("empty axis", """
                        name: x
                        axes:
                          seed: []
                        """, "bad.yaml:3: 'seed' has no values: list at least one"),
                bad("value repeated in an axis", """
                        name: x
                        axes:
                          lr: [0.1, 0.2, 0.10]
                        """, "bad.yaml:3: axis 'lr' lists 0.1 twice: drop one"),
                bad("zip lists of different lengths", """
                        name: x
                        zip:
                          - schedule: [sequential, layerpipe2]
                            weights: [latest, stash, ema]
                        """, "bad.yaml:4: zip group lists differ in length: schedule has 2 values but weights has 3: "
                        + "give every setting of a group the same number of values"),
                bad("zip is not a list", """
                        name: x
                        zip:
                          schedule: [sequential, layerpipe2]
                        """, "bad.yaml:3: zip must be a list of groups like - {schedule: [a, b], weights: [c, d]}, got a mapping"),
                bad("same key in two axes", """
                        name: x
                        axes:
                          weights: [stash, ema]
                        zip:
                          - schedule: [sequential, layerpipe2]
                            weights: [stash, ema]
                        """, "bad.yaml:6: setting 'weights' is already varied on line 3: vary each setting in one place"),
                bad("bad number", """
                        name: x
                        base:
                          lr: abc
                        """, "bad.yaml:3: setting 'lr': 'abc' is not a valid number"),
                bad("bad weight mode, at its item's line", """
                        name: x
                        axes:
                          weights:
                            - latest
                            - stale
                        """, "bad.yaml:5: setting 'weights': unknown weight mode 'stale': use one of latest, stash, ema"),
                bad("bad partition text", """
                        name: x
                        axes:
                          partition: ["[2,1]", "[2,x]"]
                        """, "bad.yaml:3: setting 'partition': cannot parse partition \"[2,x]\": use stage sizes like "
                        + "\"3,2,2,1\" or \"[3,2,2,1]\", or \"balanced:M\" for M cost-balanced stages"),
                bad("partition axis of bare numbers", """
                        name: x
                        axes:
                          partition: [2, 2, 1]
                        """, "bad.yaml:3: partition 2 is a bare number: write each partition as a list, e.g. partition: [[2,2,1], [3,2]]"),
                bad("partition that does not fit the model", """
                        name: x
                        base:
                          model: mlp
                        axes:
                          partition:
                            - [2,2,1]
                            - "[3,3]"
                        """, "bad.yaml:7: partition [3,3] covers 6 blocks but the model has 5: stage sizes must sum to 5"),
                bad("partition that does not fit one of the varied models", """
                        name: x
                        base:
                          partition: [2,2,1]
                        axes:
                          model: [mlp, cnn]
                        """, "bad.yaml:3: trial 1 (model=cnn): partition [2,2,1] covers 5 blocks but the model has 12: "
                        + "stage sizes must sum to 12"),
                bad("settings that do not go together", """
                        name: x
                        base:
                          microbatches: 4
                        axes:
                          schedule: [gpipe, layerpipe2]
                        """, "bad.yaml:5: trial 1 (schedule=layerpipe2): microbatches > 1 needs the gpipe, 1f1b-flush or zb-h1 schedule, "
                        + "got 4 with layerpipe2; exclude this combination or change the values"),
                bad("microbatches that do not divide the batch", """
                        name: x
                        base:
                          schedule: gpipe
                          batch_size: 64
                        axes:
                          microbatches: [4, 6]
                        """, "bad.yaml:6: trial 1 (microbatches=6): microbatches 6 does not divide batch_size 64: the synchronous schedules split"
                        + " each minibatch into equal microbatches; use a divisor of 64 such as 4 or 8; exclude this combination or change the values"),
                bad("more microbatches than examples", """
                        name: x
                        base: {schedule: gpipe, batch_size: 8, microbatches: 16}
                        """, "bad.yaml:2: microbatches 16 is more than batch_size 8: a microbatch needs at least one example; use at most 8;"
                        + " exclude this combination or change the values"),
                bad("a value nested 20 000 levels deep", "name: x\nbase:\n  lr: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n",
                        "bad.yaml:3: values are nested more than 32 levels deep, the limit for a sweep file: a sweep needs about five"),
                bad("a mapping nested 33 levels deep", "name: x\nbase: " + "{a: ".repeat(32) + "1" + "}".repeat(32) + "\n",
                        "bad.yaml:2: values are nested more than 32 levels deep, the limit for a sweep file: a sweep needs about five"),
                bad("a value of 20 000 characters", "name: x\nbase:\n  model: " + "m".repeat(20_000) + "\n",
                        "bad.yaml:3: a value of 20000 characters is longer than 10000, the limit for a value in a sweep file: shorten it"),
                bad("a key of 20 000 characters", "name: x\naxes:\n  " + "k".repeat(20_000) + ": [1]\n",
                        "bad.yaml:3: a value of 20000 characters is longer than 10000, the limit for a value in a sweep file: shorten it"),
                bad("text over 1 MiB", "name: x\n# " + "x".repeat(YamlSource.MAX_CHARS) + "\n",
                        "bad.yaml:1: the file is larger than 1 MiB (1048576 bytes), the limit for a sweep file: a sweep is a few settings"
                        + " and axes, so check that this is the file you meant"),
                bad("every trial excluded", """
                        name: x
                        axes:
                          weights: [stash, ema]
                        exclude:
                          - {weights: stash}
                          - {weights: ema}
                        """, "bad.yaml:4: the grid is empty: every trial is excluded; drop or narrow an exclude rule"),
                bad("grid too large", "name: big\naxes:\n" + axis("seed", 100) + axis("epochs", 100) + axis("batch_size", 120),
                        "bad.yaml:1: the grid has 1200000 trials, more than max_trials 10000: raise max_trials if you mean it"),
                bad("max_trials not a number", """
                        name: x
                        max_trials: lots
                        """, "bad.yaml:2: max_trials must be a whole number of at least 1, got 'lots'"),
                bad("a tag that would build a Java object", """
                        name: x
                        base:
                          model: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://localhost/"]]]]
                        """, "bad.yaml:3: tag !!javax.script.ScriptEngineManager is not allowed: sweep files hold plain values only, remove the tag"),
                bad("plan: not a boolean", """
                        name: x
                        base:
                          plan: perhaps
                        """, "bad.yaml:3: setting 'plan': expected true or false, got 'perhaps'"),
                bad("plan costs: unknown", """
                        name: x
                        base: {plan: true}
                        axes:
                          plan.costs: [estimated, guessed]
                        """, "bad.yaml:4: setting 'plan.costs': unknown costs 'guessed': use estimated or measured"),
                bad("plan link bandwidth: zero", """
                        name: x
                        base:
                          plan: true
                          plan.link_gbps: 0
                        """, "bad.yaml:4: plan.link_gbps must be a number > 0 (Gbit/s), got 0.0"),
                bad("plan device TFLOP/s: not a number", """
                        name: x
                        base:
                          plan: true
                          plan.device_tflops: fast
                        """, "bad.yaml:4: setting 'plan.device_tflops': 'fast' is not a valid number"),
                bad("plan: more devices than blocks", """
                        name: x
                        base: {plan: true, model: resnet18, data: cifar100}
                        axes:
                          partition: [balanced:8, balanced:16]
                        """, "bad.yaml:4: trial 1 (partition=balanced:16): 16 devices for 15 blocks: a device needs at least one block"),
                bad("plan: interleaved on devices that do not divide the microbatches", """
                        name: x
                        base: {plan: true, model: resnet18, data: cifar100, schedule: interleaved-1f1b, microbatches: 4}
                        axes:
                          partition: [balanced:2, balanced:3]
                        """, "bad.yaml:4: trial 1 (partition=balanced:3): interleaved 1F1B needs the microbatches per minibatch to be a"
                        + " multiple of the 3 devices (Megatron-LM's rule), but they are 4: use 6 or 3"),
                bad("interleaved without plan: true", """
                        name: x
                        base:
                          schedule: interleaved-1f1b
                          microbatches: 4
                        """, "bad.yaml:2: the interleaved-1f1b schedule puts several stages on one device, which the trainer (one thread per stage)"
                        + " has no use for: use it with `layerpipe plan` or plan: true; exclude this combination or change the values"),
                bad("a plan setting misspelt", """
                        name: x
                        base:
                          plan.link_gpbs: 25
                        """, "bad.yaml:3: unknown setting 'plan.link_gpbs': did you mean 'plan.link_gbps'?"),
                bad("a local tag", """
                        name: x
                        axes:
                          seed: [1, !seed 2]
                        """, "bad.yaml:3: tag !seed is not allowed: sweep files hold plain values only, remove the tag"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesWithTheExactMessageInUnderASecond(String name, String yaml, String expected) {
        long start = System.nanoTime();
        SweepException e = assertThrows(SweepException.class, () -> SweepExpander.expand(SweepParser.parse("bad.yaml", yaml)));
        assertFast(start);
        assertEquals(expected, e.getMessage());
        assertEquals("bad.yaml", e.file());
        assertEquals(expected, e.file() + ":" + e.line() + ": " + e.problem());
    }

    @Test
    void plainTagsAreAllowed() {
        SweepSpec spec = SweepParser.parse("ok.yaml", """
                name: x
                base: !!map {lr: !!str 0.1, epochs: !!int 2}
                """);
        assertEquals("0.1", spec.base().get("lr"));
    }

    @Test
    void aFileThatDoesNotExist(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        SweepException e = assertThrows(SweepException.class, () -> SweepParser.read(missing));
        assertEquals(missing + ":1: no such file: check the path to the sweep file", e.getMessage());
    }

    @Test
    void aDirectoryIsNotASweepFile(@TempDir Path dir) {
        SweepException e = assertThrows(SweepException.class, () -> SweepParser.read(dir));
        assertEquals(dir + ":1: is a directory: give the path of a sweep file", e.getMessage());
    }

    @Test
    void aFileOver1MiBIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("name: big\n".getBytes(StandardCharsets.UTF_8));
            byte[] comment = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 40 * 1024; i++) {
                out.write(comment);
            }
        }
        assertTrue(Files.size(big) > 40_000_000);
        long start = System.nanoTime();
        SweepException e = assertThrows(SweepException.class, () -> SweepParser.read(big));
        assertFast(start);
        assertEquals(big + ":1: the file is larger than 1 MiB (1048576 bytes), the limit for a sweep file: a sweep is a few settings"
                + " and axes, so check that this is the file you meant", e.getMessage());
    }

    @Test
    void anEndlessFileIsRefusedAtTheLimit() {
        Path endless = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(endless), "needs /dev/zero");
        long start = System.nanoTime();
        SweepException e = assertThrows(SweepException.class, () -> SweepParser.read(endless));
        assertFast(start);
        assertTrue(e.getMessage().startsWith("/dev/zero:1: the file is larger than 1 MiB"), e.getMessage());
    }

    @Test
    void aMissingDataFolderIsNamedByValidate(@TempDir Path dir) throws IOException {
        Path absent = dir.resolve("fashion-mnist");
        Path sweep = Files.writeString(dir.resolve("data.yaml"), """
                name: data
                base:
                  data: fashion-mnist
                axes:
                  data.path: ["file:%s", "hdfs:///datasets/fashion-mnist"]
                """.formatted(absent));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = ValidateCommand.run(new String[] {sweep.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertFast(start);
        assertEquals(2, code);
        assertEquals("error: " + sweep + ":5: data.path file:" + absent + " is not a folder: set data.path to a folder holding the"
                + " Fashion-MNIST IDX files" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingDataFileIsNamedByValidate(@TempDir Path dir) throws IOException {
        Path cifar = Files.createDirectories(dir.resolve("cifar-100-binary"));
        Files.write(cifar.resolve("train.bin"), new byte[3073]);
        Path sweep = Files.writeString(dir.resolve("data.yaml"), """
                name: data
                base:
                  model: cnn
                  data: cifar100
                  data.path: %s
                """.formatted(dir));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = ValidateCommand.run(new String[] {sweep.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertFast(start);
        assertEquals(2, code);
        assertEquals("error: " + sweep + ":5: CIFAR-100 file not found: " + cifar.resolve("test.bin") + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    private static void assertFast(long start) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "refused after " + millis + " ms, not in under a second");
    }

    private static Arguments bad(String name, String yaml, String expected) {
        return Arguments.of(name, yaml, expected);
    }

    /** An axis of {@code n} distinct whole numbers from 1, on one line. */
    private static String axis(String key, int n) {
        return "  " + key + ": [" + IntStream.rangeClosed(1, n).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + "]\n";
    }
}
