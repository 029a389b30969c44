package org.layerpipe.core.execution;

import org.layerpipe.core.schedule.Schedule;
import org.layerpipe.core.stage.BackwardResult;

/**
 * What both executors record while a schedule runs: each unit's loss, correct predictions and
 * examples from the last stage, each stage's staleness per unit and its busy time. The
 * concurrent executor's workers write disjoint entries; joining them publishes the writes.
 */
final class RunRecorder {

    final double[] losses;
    final int[] correct;
    final int[] examples;
    final int[][] staleness;
    final long[] busy;

    /** @throws IllegalArgumentException when an executor cannot run {@code schedule} on {@code stages} stages */
    RunRecorder(Schedule schedule, int stages) {
        if (schedule.kind().planOnly()) {
            throw new IllegalArgumentException("the " + schedule.kind() + " schedule is for the planner only: it puts several stages"
                    + " on one device, and the executors run one thread per stage");
        }
        if (schedule.numStages() != stages) {
            throw new IllegalArgumentException("schedule has " + schedule.numStages() + " stages but the pipeline has " + stages);
        }
        int n = schedule.numUnits();
        losses = new double[n];
        correct = new int[n];
        examples = new int[n];
        staleness = new int[stages][n];
        busy = new long[stages];
    }

    /** The last stage's backward of {@code unit} returned {@code r}. */
    void lastStage(int unit, BackwardResult<?> r) {
        losses[unit] = r.loss();
        correct[unit] = r.correct();
        examples[unit] = r.examples();
    }

    RunResult result(long wallNanos) {
        return new RunResult(losses, correct, examples, staleness, busy, wallNanos);
    }
}
