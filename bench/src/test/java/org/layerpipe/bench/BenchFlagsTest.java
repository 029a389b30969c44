package org.layerpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.cli.Cli;

class BenchFlagsTest {

    @Test
    void defaultsLeaveResnetOutAndDeferToEachModel() {
        BenchFlags f = parse(new String[0]);
        assertEquals(List.of("mlp", "wide-mlp", "cnn"), f.models());
        assertEquals(1.0, f.scale());
        assertEquals(0, f.rounds());
        assertEquals(0, f.batch());
        assertNull(f.json());
        assertFalse(f.planCheck());
    }

    @Test
    void planCheckDefaultsToTheMlpAndTheCnnUnlessModelsAreGiven() {
        BenchFlags check = parse(new String[] {"--plan-check"});
        assertTrue(check.planCheck());
        assertEquals(List.of("mlp", "cnn"), check.models());
        assertEquals(List.of("wide-mlp"), parse(new String[] {"--models", "wide-mlp", "--plan-check"}).models());
    }

    @Test
    void acceptsSpaceAndEqualsForms() {
        BenchFlags spaced = parse(new String[] {"--models", "mlp,resnet18", "--scale", "0.2", "--rounds", "3", "--batch", "16",
            "--json", "out.json"});
        BenchFlags joined = parse(new String[] {"--models=mlp,resnet18", "--scale=0.2", "--rounds=3", "--batch=16", "--json=out.json"});
        assertEquals(spaced, joined);
        assertEquals(List.of("mlp", "resnet18"), joined.models());
        assertEquals(0.2, joined.scale());
        assertEquals(3, joined.rounds());
        assertEquals(16, joined.batch());
        assertEquals("out.json", joined.json());
    }

    @Test
    void modelNamesAreTrimmedAndCaseFree() {
        assertEquals(List.of("cnn", "wide-mlp"), parse(new String[] {"--models", " CNN , wide-mlp"}).models());
    }

    @Test
    void usageErrorsAreOneSentenceNamingTheFlag() {
        assertEquals("unknown flag --steps: use --models, --scale, --rounds, --batch, --json, --plan-check or --help", message("--steps", "10"));
        assertEquals("unknown flag --modles: did you mean --models?", message("--modles", "mlp"));
        assertEquals("flag --scale needs a value", message("--scale"));
        assertEquals("flag --models needs a value", message("--models", "--scale", "1"));
        assertEquals("--scale must be a number > 0, got 'fast'", message("--scale=fast"));
        assertEquals("--scale must be a number > 0, got '0'", message("--scale", "0"));
        assertEquals("--rounds must be a whole number >= 1, got '1.5'", message("--rounds", "1.5"));
        assertEquals("--batch must be a whole number >= 1, got '-4'", message("--batch=-4"));
        assertEquals("unknown model 'lenet' in --models: use mlp, wide-mlp, cnn, resnet18", message("--models", "mlp,lenet"));
        assertEquals("model 'mlp' is listed twice in --models: list each model once", message("--models", "mlp,mlp"));
        assertEquals("unexpected argument 'mlp': every option is a flag such as --models (see --help)", message("mlp"));
        assertEquals("--json needs a file name, e.g. --json bench.json", message("--json="));
        for (String m : new String[] {message("--bogus"), message("--json=")}) {
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void helpListsEveryFlagAndEveryModel() throws Exception {
        String usage = BenchFlags.usage();
        for (String flag : List.of("--models LIST", "--scale X", "--rounds R", "--batch N", "--json FILE", "--plan-check", "-h, --help")) {
            assertTrue(usage.contains("\n  " + flag + " "), "usage lacks " + flag + ": " + usage);
        }
        for (String model : BenchModel.NAMES) {
            assertTrue(usage.contains(model), "usage lacks model " + model);
        }
        assertTrue(usage.startsWith("usage: layerpipe bench [--models mlp,wide-mlp,cnn] [--scale 1.0]"), usage);
        assertTrue(usage.endsWith("\nFlags are written --name value or --name=value.\n"), usage);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String help : new String[] {"--help", "-h"}) {
            out.reset();
            assertEquals(0, Benchmark.run(new String[] {help}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
            assertEquals(usage, out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void commandExitsWith2AndOneLineForAUsageError() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Benchmark.run(new String[] {"--steps", "10"}, o, e));
        assertEquals("error: unknown flag --steps: use --models, --scale, --rounds, --batch, --json, --plan-check or --help\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, Benchmark.run(new String[] {"--json", "/no/such/folder/bench.json"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: --json /no/such/folder/bench.json: folder /no/such/folder does not exist"));
        assertEquals(0, Benchmark.run(new String[] {"--help"}, o, e));
        assertEquals(BenchFlags.usage(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theChildMeasurementHasPositionalParametersWithTheSameHelpAndErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(OptionalInt.of(0), Cli.parse(new Measure.Args(), new String[] {"--help"}, o, e));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: Measure dl4j <model> <batch> <steps> <warmup> <rounds>\n"), help);
        for (String p : List.of("<what>", "<model>", "<batch>", "<steps>", "<warmup>", "<rounds>", "<stages|microbatches>", "<weights>")) {
            assertTrue(help.contains("\n  " + p + " "), p + " in " + help);
        }
        Measure.Args args = new Measure.Args();
        assertEquals(OptionalInt.empty(), Cli.parse(args, new String[] {"pipeline", "mlp", "64", "20", "5", "2", "2", "latest,ema"}, o, e));
        assertEquals(OptionalInt.of(2), Cli.parse(new Measure.Args(), new String[] {"dl4j", "mlp", "64", "20", "5", "2", "--rouns"}, o, e));
        assertEquals(OptionalInt.of(2), Cli.parse(new Measure.Args(), new String[] {"dl4j", "mlp", "sixty", "20", "5", "2"}, o, e));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("error: unknown flag --rouns: the only flag is --help", lines.get(0));
        assertTrue(lines.get(1).startsWith("error: invalid value for positional parameter at index 2 (<batch>): 'sixty' is not an int"),
                lines.get(1));
        assertEquals(2, lines.size(), lines.toString());
    }

    private static BenchFlags parse(String... args) {
        BenchFlags.Options options = new BenchFlags.Options();
        assertEquals(OptionalInt.empty(), Cli.parse(options, args, System.out, System.err));
        return options.flags();
    }

    /** The one sentence a mistake prints, without its "error: ". */
    private static String message(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchFlags.Options options = new BenchFlags.Options();
        OptionalInt done = Cli.parse(options, args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        if (done.isPresent()) {
            assertEquals(2, done.getAsInt());
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("error: ") && text.endsWith("\n") && text.lines().count() == 1, text);
            return text.substring("error: ".length(), text.length() - 1);
        }
        return assertThrows(BenchFlags.UsageException.class, options::flags).getMessage();
    }
}
