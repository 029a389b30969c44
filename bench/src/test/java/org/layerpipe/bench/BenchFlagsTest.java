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

import org.junit.jupiter.api.Test;

class BenchFlagsTest {

    @Test
    void defaultsLeaveResnetOutAndDeferToEachModel() {
        BenchFlags f = BenchFlags.parse(new String[0]);
        assertEquals(List.of("mlp", "wide-mlp", "cnn"), f.models());
        assertEquals(1.0, f.scale());
        assertEquals(0, f.rounds());
        assertEquals(0, f.batch());
        assertNull(f.json());
        assertFalse(f.planCheck());
        assertFalse(f.help());
    }

    @Test
    void planCheckDefaultsToTheMlpAndTheCnnUnlessModelsAreGiven() {
        BenchFlags check = BenchFlags.parse(new String[] {"--plan-check"});
        assertTrue(check.planCheck());
        assertEquals(List.of("mlp", "cnn"), check.models());
        assertEquals(List.of("wide-mlp"), BenchFlags.parse(new String[] {"--models", "wide-mlp", "--plan-check"}).models());
    }

    @Test
    void acceptsSpaceAndEqualsForms() {
        BenchFlags spaced = BenchFlags.parse(new String[] {"--models", "mlp,resnet18", "--scale", "0.2", "--rounds", "3", "--batch", "16",
            "--json", "out.json"});
        BenchFlags joined = BenchFlags.parse(new String[] {"--models=mlp,resnet18", "--scale=0.2", "--rounds=3", "--batch=16", "--json=out.json"});
        assertEquals(spaced, joined);
        assertEquals(List.of("mlp", "resnet18"), joined.models());
        assertEquals(0.2, joined.scale());
        assertEquals(3, joined.rounds());
        assertEquals(16, joined.batch());
        assertEquals("out.json", joined.json());
    }

    @Test
    void modelNamesAreTrimmedAndCaseFree() {
        assertEquals(List.of("cnn", "wide-mlp"), BenchFlags.parse(new String[] {"--models", " CNN , wide-mlp"}).models());
    }

    @Test
    void usageErrorsAreOneSentenceNamingTheFlag() {
        assertEquals("unknown flag --steps: use --models, --scale, --rounds, --batch, --json, --plan-check or --help", message("--steps", "10"));
        assertEquals("flag --scale needs a value, e.g. --scale 0.5", message("--scale"));
        assertEquals("flag --models needs a value, e.g. --models mlp,cnn", message("--models", "--scale", "1"));
        assertEquals("--scale must be a number > 0, got 'fast'", message("--scale=fast"));
        assertEquals("--scale must be a number > 0, got '0'", message("--scale", "0"));
        assertEquals("--rounds must be a whole number >= 1, got '1.5'", message("--rounds", "1.5"));
        assertEquals("--batch must be a whole number >= 1, got '-4'", message("--batch=-4"));
        assertEquals("unknown model 'lenet' in --models: use mlp, wide-mlp, cnn, resnet18", message("--models", "mlp,lenet"));
        assertEquals("model 'mlp' is listed twice in --models: list each model once", message("--models", "mlp,mlp"));
        assertEquals("unexpected argument 'mlp': every option is a flag such as --models mlp (see --help)", message("mlp"));
        for (String m : new String[] {message("--bogus"), message("--json=")}) {
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void helpListsEveryFlagAndEveryModel() {
        assertTrue(BenchFlags.parse(new String[] {"--help"}).help());
        assertTrue(BenchFlags.parse(new String[] {"-h"}).help());
        for (String flag : BenchFlags.VALUE_FLAGS) {
            assertTrue(BenchFlags.USAGE.contains("--" + flag + " "), "usage lacks --" + flag);
        }
        assertTrue(BenchFlags.USAGE.contains("--help"));
        for (String model : BenchModel.NAMES) {
            assertTrue(BenchFlags.USAGE.contains(model), "usage lacks model " + model);
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
        assertEquals(BenchFlags.USAGE, out.toString(StandardCharsets.UTF_8));
    }

    private static String message(String... args) {
        return assertThrows(BenchFlags.UsageException.class, () -> BenchFlags.parse(args)).getMessage();
    }
}
