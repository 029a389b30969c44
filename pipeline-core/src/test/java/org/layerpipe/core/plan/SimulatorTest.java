package org.layerpipe.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerpipe.core.schedule.Op;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;

/** The simulator against the closed forms (balanced stages, free links unless said otherwise). */
class SimulatorTest {

    private static final double EPS = 1e-9;

    @Test
    void gpipeTakesMPlusPMinusOneSlotsPerMinibatch() {
        int p = 4;
        int m = 8;
        double f = 1;
        double b = 2;
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.GPIPE, p, 6 * m, m), StageCosts.uniform(p, f, b), Link.NONE);
        assertEquals((m + p - 1) * (f + b), sim.secondsPerMinibatch(), EPS);
        assertEquals(6 * (m + p - 1) * (f + b), sim.makespan(), EPS);
        assertEquals((p - 1.0) / (m + p - 1), sim.bubble(), EPS);
        for (int s = 0; s < p; s++) {
            assertEquals(m, sim.peakUnitsInFlight()[s], "GPipe keeps every microbatch of a minibatch at stage " + s);
        }
    }

    @Test
    void oneFOneBFlushTakesGPipesTimeWithFewerUnitsInFlight() {
        int p = 4;
        int m = 8;
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.ONE_F_ONE_B_FLUSH, p, 6 * m, m), StageCosts.uniform(p, 1, 1),
                Link.NONE);
        assertEquals((m + p - 1) * 2.0, sim.secondsPerMinibatch(), EPS);
        assertEquals((p - 1.0) / (m + p - 1), sim.bubble(), EPS);
        for (int s = 0; s < p; s++) {
            assertEquals(Math.min(m, p - s), sim.peakUnitsInFlight()[s], "stage " + s);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ScheduleKind.class, names = {"LAYERPIPE2", "ONE_F_ONE_B"})
    void asynchronousSchedulesRunAtTheSlowestStagesPace(ScheduleKind kind) {
        // and their bubble is the imbalance: (5 − mean(3, 3, 5, 3)) / 5
        Simulation balanced = Simulator.run(Schedule.generate(kind, 4, 40, 1), StageCosts.uniform(4, 1, 2), Link.NONE);
        assertEquals(3, balanced.secondsPerMinibatch(), EPS);
        StageCosts uneven = new StageCosts(new double[] {1, 1, 2, 1}, new double[] {2, 2, 3, 2}, new double[4], new long[4],
                new long[4], new long[4]);
        Simulation slow = Simulator.run(Schedule.generate(kind, 4, 40, 1), uneven, Link.NONE);
        assertEquals(5, slow.secondsPerMinibatch(), EPS);
        assertEquals(0, balanced.bubble(), 1e-6);
        assertEquals((5 - 3.5) / 5, slow.bubble(), 1e-6);
    }

    @Test
    void layerPipe2KeepsTwoSPlusOneUnitsInFlight() {
        int p = 4;
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.LAYERPIPE2, p, 40, 1), StageCosts.uniform(p, 1, 2), Link.NONE);
        for (int s = 0; s < p; s++) {
            assertEquals(2 * (p - 1 - s) + 1, sim.peakUnitsInFlight()[s], "stage " + s);
        }
    }

    @Test
    void sequentialPaysEveryStageAndEveryTransfer() {
        double latency = 0.25;
        StageCosts costs = new StageCosts(new double[] {1, 2}, new double[] {3, 4}, new double[] {0.5, 0.5}, new long[] {1000, 0},
                new long[2], new long[2]);
        Link link = new Link(latency, 4000); // 1000 bytes: 0.25 s + 0.25 s
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.SEQUENTIAL, 2, 8, 1), costs, link);
        assertEquals(1 + 2 + 3 + 4 + 0.5 + 2 * (latency + 0.25), sim.secondsPerMinibatch(), EPS);
        assertEquals(1, sim.peakUnitsInFlight()[0]);
    }

    @Test
    void theCriticalPathRunsWithoutGapsFromTheStartToTheLastEnd() {
        Link link = new Link(0.1, 1e9);
        StageCosts costs = new StageCosts(new double[] {1, 1, 3}, new double[] {2, 2, 4}, new double[3], new long[] {8, 8, 0},
                new long[3], new long[3]);
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 20, 1), costs, link);
        List<Simulation.Timed> path = sim.criticalPath();
        assertEquals(0, path.get(0).start(), EPS);
        assertEquals(sim.makespan(), path.get(path.size() - 1).end(), EPS);
        for (int i = 1; i < path.size(); i++) {
            Simulation.Timed before = path.get(i - 1);
            Simulation.Timed after = path.get(i);
            double gap = after.start() - before.end();
            boolean sameDevice = before.event().stage() == after.event().stage();
            assertEquals(sameDevice ? 0 : link.seconds(8), gap, EPS, before + " -> " + after);
        }
        // the slow last stage is the bottleneck: most of the path runs there
        long onLast = path.stream().filter(t -> t.event().stage() == 2).count();
        assertTrue(onLast > path.size() / 2, "critical path " + path.size() + " events, " + onLast + " on the last stage");
    }

    @Test
    void theTraceIsChromeTraceJson() {
        Simulation sim = Simulator.run(Schedule.generate(ScheduleKind.ONE_F_ONE_B, 2, 6, 1), StageCosts.uniform(2, 1e-3, 2e-3), Link.NONE);
        JsonObject root = new JsonParser().parse(ChromeTrace.json(sim)).getAsJsonObject();
        JsonArray events = root.getAsJsonArray("traceEvents");
        assertEquals(sim.timeline().size(), events.size());
        JsonObject first = events.get(0).getAsJsonObject();
        assertEquals("F0", first.get("name").getAsString());
        assertEquals("X", first.get("ph").getAsString());
        assertEquals(0, first.get("pid").getAsInt());
        assertEquals(first.get("pid").getAsInt(), first.get("tid").getAsInt());
        assertEquals(1000.0, first.get("dur").getAsDouble(), 1e-6, "microseconds");
        long backwards = sim.timeline().stream().filter(t -> t.event().op() == Op.BACKWARD).count();
        assertEquals(12, backwards);
    }
}
