package org.layerpipe.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PlanCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void plansEverySchedulePrintsOneRowEachAndWritesTraces(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--model", "cnn", "--devices", "3", "--schedules", "layerpipe2,gpipe", "--microbatches=8",
                "--trace", dir.resolve("plan.json").toString(), "--grid"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("layerpipe2 ") && l.contains("4,2,0")), text);
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("gpipe ") && l.contains("0,0,0")), text);
        assertTrue(text.contains("tick"), "the grid is printed: " + text);
        for (String name : new String[] {"plan-layerpipe2.json", "plan-gpipe.json"}) {
            JsonObject trace = new JsonParser().parse(Files.readString(dir.resolve(name))).getAsJsonObject();
            assertTrue(trace.getAsJsonArray("traceEvents").size() > 12 * 3 * 2, name);
        }
    }

    @Test
    void interleavedRunsTwoChunksPerDeviceOrSaysWhyNot() {
        assertEquals(0, run("--model", "mlp", "--hidden", "64,64,64", "--devices", "2", "--schedules", "interleaved-1f1b,1f1b-flush",
                "--microbatches", "4"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("interleaved-1f1b ") && l.contains("0,0,0,0")), "4 stages on 2 devices: " + text);
        out.reset();
        assertEquals(0, run("--model", "mlp", "--hidden", "64,64,64", "--devices", "2", "--schedules", "interleaved-1f1b,1f1b-flush",
                "--microbatches", "3", "--batch-size", "63"));
        text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("not planned, interleaved-1f1b: interleaved 1F1B needs the microbatches per minibatch to be a multiple"
                + " of the 2 devices"), text);
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("1f1b-flush ")), "the other schedules are still planned: " + text);
    }

    @Test
    void gpipeBubbleMatchesItsClosedFormForBalancedStages() {
        // estimated costs on a 6-block MLP split 2 blocks each are not exactly balanced; the closed form bounds it from below
        assertEquals(0, run("--model", "mlp", "--hidden", "64,64,64", "--devices", "2", "--schedules", "gpipe",
                "--microbatches", "4", "--link-gbps", "1e9", "--link-latency-us", "0"));
        String row = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.trim().startsWith("gpipe ")).findFirst().orElseThrow();
        double bubble = Double.parseDouble(row.replaceAll(".*?([0-9.]+)%.*", "$1")) / 100;
        assertTrue(bubble >= (2 - 1.0) / (4 + 2 - 1) - 1e-3, row);
    }

    @Test
    void badInputGetsOneSentenceAndExitCode2() {
        assertEquals(2, run("--devices", "99"));
        assertEquals("error: --devices 99: mlp has only 5 blocks, and every device needs one\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--schedules", "zigzag"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: unknown schedule \"zigzag\""), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--schedules", "gpipe", "--microbatches", "5"));
        assertEquals("error: --microbatches 5 does not divide --batch-size 64: the synchronous schedules split each minibatch into equal microbatches\n",
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--lr", "0.1"));
        assertEquals("error: unknown flag --lr: run with --help to see every flag\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--bach-size", "32"));
        assertEquals("error: unknown flag --bach-size: did you mean --batch-size?\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--devices"));
        assertEquals("error: flag --devices needs a value\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("cnn"));
        assertEquals("error: unexpected argument 'cnn': every option is a flag such as --model (see --help)\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--costs", "guessed"));
        assertEquals("error: unknown --costs 'guessed': use estimated or measured\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryFlag() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--model NAME", "--hidden W,W", "--data NAME", "--devices N", "--schedules LIST", "--microbatches M",
            "--costs KIND", "--device-tflops X", "--link-gbps X", "--link-latency-us X", "--trace FILE", "--grid", "--batch-size B",
            "-h, --help"}) {
            assertTrue(help.contains("\n  " + flag + " "), flag + " in " + help);
        }
        assertTrue(help.startsWith("usage: layerpipe plan --model NAME --devices N [flags]\n\nSimulates pipelined training"), help);
        assertTrue(help.contains("[default all seven]"), help);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
