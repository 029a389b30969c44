package org.layerpipe.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepParserTest {

    static final String QUICKSTART = """
            # Does EMA reconstruction match stashing? ~2 CPU-minutes, any laptop.
            name: quickstart
            experiment: layerpipe2-quick
            base:
              model: mlp
              data: synthetic
              epochs: 2
              lr: 0.10
            axes:
              weights: [latest, stash, ema]
              partition: [[2,2,1], "balanced:3"]
              seed: [1, 2]
            max_trials: 100
            """;

    @Test
    void readsEveryPart() {
        SweepSpec spec = SweepParser.parse("quickstart.yaml", QUICKSTART);
        assertEquals("quickstart", spec.name());
        assertEquals("layerpipe2-quick", spec.experiment());
        // Values are held as canonical setting text, in the order written.
        assertEquals(Map.of("model", "mlp", "data", "synthetic", "epochs", "2", "lr", "0.1"), spec.base());
        assertEquals(List.of("model", "data", "epochs", "lr"), List.copyOf(spec.base().keySet()));
        assertEquals(List.of(Axis.of("weights", List.of("latest", "stash", "ema")),
                Axis.of("partition", List.of("[2,2,1]", "balanced:3")),
                Axis.of("seed", List.of("1", "2"))), spec.axes());
        assertEquals(List.of(), spec.excludes());
        assertEquals(100, spec.maxTrials());
        assertEquals(QUICKSTART, spec.sourceText());
        assertEquals("quickstart.yaml", spec.sourcePath());
    }

    @Test
    void optionalPartsTakeTheirDefaults() {
        SweepSpec spec = SweepParser.parse("min.yaml", "name: min.v2_a\n");
        assertEquals("layerpipe2-min.v2_a", spec.experiment());
        assertEquals(Map.of(), spec.base());
        assertEquals(List.of(), spec.axes());
        assertEquals(SweepSpec.DEFAULT_MAX_TRIALS, spec.maxTrials());
    }

    @Test
    void yamlListsBecomeCanonicalPartitionAndHiddenText() {
        SweepSpec spec = SweepParser.parse("lists.yaml", """
                name: lists
                base:
                  partition: [ 3 , 2 ]
                  model.hidden: [64, 32]
                axes:
                  partition: [[2,2,1], "[ 4, 1 ]", "balanced:2", [5]]
                  model.hidden: [[256, 128], "64", [ ]]
                exclude:
                  - {partition: [2, 2, 1], model.hidden: [256,128]}
                """);
        assertEquals("[3,2]", spec.base().get("partition"));
        assertEquals("64,32", spec.base().get("model.hidden"));
        assertEquals(Axis.of("partition", List.of("[2,2,1]", "[4,1]", "balanced:2", "[5]")), spec.axes().get(0));
        assertEquals(Axis.of("model.hidden", List.of("256,128", "64", "")), spec.axes().get(1));
        assertEquals(List.of(Map.of("partition", "[2,2,1]", "model.hidden", "256,128")), spec.excludes());
    }

    @Test
    void scalarsOfEveryYamlTypeAreSettingText() {
        SweepSpec spec = SweepParser.parse("types.yaml", """
                name: types
                base: {data.augment: true, ema.beta: 5e-1, data.path: "", weights: EMA, batch_size: '32'}
                """);
        assertEquals(Map.of("data.augment", "true", "ema.beta", "0.5", "data.path", "", "weights", "ema", "batch_size", "32"),
                spec.base());
    }

    @Test
    void zipGroupsTakeTheirPlaceInWrittenOrder() {
        SweepSpec spec = SweepParser.parse("zip.yaml", """
                name: zip
                zip:
                  - schedule: [gpipe, layerpipe2]
                    microbatches: [4, 1]
                axes:
                  seed: [1, 2]
                """);
        assertEquals(List.of(new Axis(List.of("schedule", "microbatches"), List.of(List.of("gpipe", "4"), List.of("layerpipe2", "1"))),
                Axis.of("seed", List.of("1", "2"))), spec.axes());
    }

    @Test
    void readsAFileAsUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quickstart.yaml");
        Files.writeString(file, QUICKSTART + "# résumé: µ\n");
        SweepSpec spec = SweepParser.read(file);
        assertEquals(file.toString(), spec.sourcePath());
        assertEquals(QUICKSTART + "# résumé: µ\n", spec.sourceText());
    }
}
