package org.layerpipe.core.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.optim.LearningRate;
import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.schedule.ScheduleKind;
import org.layerpipe.core.stage.BackwardResult;
import org.layerpipe.core.stage.Stage;
import org.layerpipe.core.weights.ReconstructionStats;

/** The concurrent executor's plumbing, on scalar stages: ordering, failure, no leaked threads. */
class ConcurrentExecutorTest {

    /** y = w·x; loss = ½(y − label)² at the last stage; records the order of its ops. */
    static class ScalarStage implements Stage<Double> {
        final int index;
        final boolean last;
        final int failAt;
        double w;
        double grad;
        long version;
        final java.util.Map<Integer, Double> inputs = new java.util.HashMap<>();
        final java.util.Map<Integer, Double> labels = new java.util.HashMap<>();
        final List<String> log = new ArrayList<>();

        ScalarStage(int index, boolean last, double w, int failAt) {
            this.index = index;
            this.last = last;
            this.w = w;
            this.failAt = failAt;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public boolean isLast() {
            return last;
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public Double forward(int unit, Double input, Double label) {
            if (unit == failAt) {
                throw new ArithmeticException("boom");
            }
            log.add("F" + unit);
            inputs.put(unit, input);
            labels.put(unit, label);
            return w * input;
        }

        @Override
        public BackwardResult<Double> backward(int unit, Double gradOutput) {
            log.add("B" + unit);
            double x = inputs.remove(unit);
            Double label = labels.remove(unit);
            double g = last ? (w * x - label) : gradOutput;
            grad += g * x;
            double loss = last ? 0.5 * (w * x - label) * (w * x - label) : Double.NaN;
            return new BackwardResult<>(g * w, loss, 0, 1);
        }

        @Override
        public void update(double lr) {
            w -= lr * grad;
            grad = 0;
            version++;
        }

        @Override
        public long historyBytes() {
            return 0;
        }

        @Override
        public long activationBytes() {
            return 0;
        }

        @Override
        public int inFlight() {
            return inputs.size();
        }

        @Override
        public ReconstructionStats drainReconstructionStats() {
            return ReconstructionStats.NONE;
        }

        @Override
        public void close() {
        }
    }

    static List<ScalarStage> stages(int m, int failStage, int failAt) {
        List<ScalarStage> stages = new ArrayList<>();
        for (int s = 0; s < m; s++) {
            stages.add(new ScalarStage(s, s == m - 1, 0.5 + 0.1 * s, s == failStage ? failAt : -1));
        }
        return stages;
    }

    static final UnitSource<Double> DATA = new UnitSource<>() {
        @Override
        public Double input(int unit) {
            return 1.0 + (unit % 3);
        }

        @Override
        public Double labels(int unit) {
            return 0.5 * (unit % 2);
        }
    };

    @Test
    void everyScheduleGivesTheReferenceResultAndOrder() {
        for (ScheduleKind kind : ScheduleKind.values()) {
            if (kind.planOnly()) {
                continue; // interleaved 1F1B shares devices: the executors refuse it (InterleavedOneFOneBScheduleTest)
            }
            for (int m = 1; m <= 5; m++) {
                int micro = kind == ScheduleKind.GPIPE ? 3 : 1;
                Schedule schedule = Schedule.generate(kind, m, 12, micro);
                List<ScalarStage> ref = stages(m, -1, -1);
                List<ScalarStage> con = stages(m, -1, -1);
                RunResult a = ReferenceExecutor.run(schedule, ref, DATA, LearningRate.constant(0.01));
                RunResult b = ConcurrentExecutor.run(schedule, con, DATA, LearningRate.constant(0.01));
                for (int s = 0; s < m; s++) {
                    assertEquals(ref.get(s).w, con.get(s).w, 0.0, kind + " M=" + m + " stage " + s);
                    assertEquals(ref.get(s).log, con.get(s).log, kind + " M=" + m + " stage " + s + " op order");
                }
                assertArrayEquals(a.staleness(), b.staleness());
            }
        }
    }

    @Test
    void firstFailureStopsThePipelineNamesStageAndMinibatchAndLeaksNoThread() {
        Schedule schedule = Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 20, 1);
        PipelineException e = assertThrows(PipelineException.class,
                () -> ConcurrentExecutor.run(schedule, stages(3, 1, 7), DATA, LearningRate.constant(0.01)));
        assertEquals("stage 1 failed at FORWARD of minibatch 7: boom", e.getMessage());
        assertEquals(1, e.stage());
        assertEquals(7, e.minibatch());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("layerpipe-stage-")),
                "worker threads must be joined");
    }

    @Test
    void aStageThatNeverAnswersIsReportedAsAStall() {
        Schedule schedule = Schedule.generate(ScheduleKind.LAYERPIPE2, 2, 4, 1);
        List<ScalarStage> stages = stages(2, -1, -1);
        // stage 1 blocks forever in its first forward; stage 0 waits for its gradient
        List<Stage<Double>> hanging = new ArrayList<>(stages);
        hanging.set(1, new ScalarStage(1, true, 1.0, -1) {
            @Override
            public Double forward(int unit, Double input, Double label) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
                return 0.0;
            }
        });
        PipelineException e = assertThrows(PipelineException.class,
                () -> ConcurrentExecutor.run(schedule, hanging, DATA, LearningRate.constant(0.01), s -> { }, 300, (u, l) -> { }));
        assertEquals(0, e.stage());
        // the limit as given (300 ms), the channel and the unit: the wait that stalled, not a measured time
        assertTrue(e.getMessage().contains("pipeline stalled: waited 300 ms on gradients 1→0 for minibatch 0"), e.getMessage());
    }

    @Test
    void stallLimitsArePrintedInTheUnitThatShowsThem() {
        assertEquals("300 ms", Channel.duration(300_000_000L));
        assertEquals("1.5 s", Channel.duration(1_500_000_000L));
        assertEquals("1800 s", Channel.duration(TimeUnit.MILLISECONDS.toNanos(ConcurrentExecutor.DEFAULT_STALL_MILLIS)));
    }

    @Test
    void channelCapacityFollowsTheSchedule() {
        // in clock order a stage puts unit t while its neighbour has yet to take unit t−1 (it runs later in the tick)
        int[][] lp = ConcurrentExecutor.channelCapacities(Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 8, 1));
        assertArrayEquals(new int[] {2, 2}, lp[0], "activations");
        // gradients go downward in stage order: the taker (lower stage) runs first in the tick
        assertArrayEquals(new int[] {1, 1}, lp[1], "gradients");
        int[][] seq = ConcurrentExecutor.channelCapacities(Schedule.generate(ScheduleKind.SEQUENTIAL, 3, 8, 1));
        assertArrayEquals(new int[] {1, 1}, seq[0], "one minibatch at a time");
    }
}
