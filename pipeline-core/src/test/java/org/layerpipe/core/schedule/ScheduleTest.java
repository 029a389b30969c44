package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleTest {

    @Test
    void sortsEventsByTickStageAndOp() {
        Event update = new Event(0, 0, 0, Op.UPDATE);
        Event backward = new Event(0, 0, 0, Op.BACKWARD);
        Event forward = new Event(0, 0, 0, Op.FORWARD);
        Event later = new Event(1, 0, 1, Op.FORWARD);
        Event otherStage = new Event(0, 1, 0, Op.FORWARD);
        Schedule schedule = new Schedule(ScheduleKind.SEQUENTIAL, 2, 2, 1,
                List.of(later, otherStage, update, backward, forward));
        assertEquals(List.of(forward, backward, update, otherStage, later), schedule.events());
    }

    @Test
    void eventsAreCopiedAndUnmodifiable() {
        List<Event> events = new ArrayList<>(List.of(new Event(0, 0, 0, Op.FORWARD)));
        Schedule schedule = new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, events);
        events.add(new Event(0, 0, 0, Op.BACKWARD));
        assertEquals(1, schedule.events().size());
        assertThrows(UnsupportedOperationException.class, () -> schedule.events().add(new Event(1, 0, 0, Op.UPDATE)));
    }

    @Test
    void generateDispatchesToTheGenerators() {
        assertEquals(SequentialSchedule.generate(3, 4), Schedule.generate(ScheduleKind.SEQUENTIAL, 3, 4, 1));
        assertEquals(LayerPipe2Schedule.generate(3, 4), Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 4, 1));
        assertEquals(OneFOneBSchedule.generate(3, 4), Schedule.generate(ScheduleKind.ONE_F_ONE_B, 3, 4, 1));
        assertEquals(GPipeSchedule.generate(3, 3, 2), Schedule.generate(ScheduleKind.GPIPE, 3, 6, 2));
    }

    @Test
    void generateRejectsMicrobatchesOutsideGPipe() {
        assertMessage("microbatches must be 1 for LAYERPIPE2 but was 2: only GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1 and INTERLEAVED_1F1B split minibatches into microbatches",
                () -> Schedule.generate(ScheduleKind.LAYERPIPE2, 3, 4, 2));
        assertMessage("GPIPE needs numUnits to be a multiple of microbatches but got 7 units and 2 microbatches: "
                        + "use whole minibatches of 2 units",
                () -> Schedule.generate(ScheduleKind.GPIPE, 3, 7, 2));
        assertMessage("microbatches must be >= 1 but was 0: use 1 for no microbatching",
                () -> Schedule.generate(ScheduleKind.GPIPE, 3, 4, 0));
        assertMessage("kind is missing (null): use one of [SEQUENTIAL, LAYERPIPE2, ONE_F_ONE_B, GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1, INTERLEAVED_1F1B]",
                () -> Schedule.generate(null, 3, 4, 1));
    }

    @Test
    void generatorsRejectEmptyPipelines() {
        assertMessage("numStages must be >= 1 but was 0: a pipeline needs at least one stage",
                () -> LayerPipe2Schedule.generate(0, 4));
        assertMessage("numUnits must be >= 1 but was 0: a schedule needs at least one unit of data",
                () -> OneFOneBSchedule.generate(2, 0));
        assertMessage("numUnits must be >= 1 but was -1: a schedule needs at least one unit of data",
                () -> SequentialSchedule.generate(2, -1));
    }

    @Test
    void constructorRejectsMalformedData() {
        List<Event> none = List.of();
        assertMessage("kind is missing (null): use one of [SEQUENTIAL, LAYERPIPE2, ONE_F_ONE_B, GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1, INTERLEAVED_1F1B]",
                () -> new Schedule(null, 1, 1, 1, none));
        assertMessage("microbatches must be >= 1 but was 0: use 1 for no microbatching",
                () -> new Schedule(ScheduleKind.GPIPE, 1, 1, 0, none));
        assertMessage("microbatches must be 1 for ONE_F_ONE_B but was 3: only GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1 and INTERLEAVED_1F1B split minibatches into microbatches",
                () -> new Schedule(ScheduleKind.ONE_F_ONE_B, 1, 3, 3, none));
        assertMessage("numUnits must be a multiple of microbatches but was 5 with 2 microbatches: "
                        + "use whole minibatches of 2 units",
                () -> new Schedule(ScheduleKind.GPIPE, 1, 5, 2, none));
        assertMessage("events are missing (null): pass a list, possibly empty",
                () -> new Schedule(ScheduleKind.GPIPE, 1, 1, 1, null));
        assertMessage("events contain null: every event needs a tick, stage, unit and op",
                () -> new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, Arrays.asList((Event) null)));
        assertMessage("event Event[tick=0, stage=2, minibatch=0, op=FORWARD] has stage 2 but the schedule has 2 stages: "
                        + "use stages 0..1",
                () -> new Schedule(ScheduleKind.SEQUENTIAL, 2, 1, 1, List.of(new Event(0, 2, 0, Op.FORWARD))));
        assertMessage("event Event[tick=0, stage=0, minibatch=3, op=FORWARD] has unit 3 but the schedule has 3 units: "
                        + "use units 0..2",
                () -> new Schedule(ScheduleKind.SEQUENTIAL, 2, 3, 1, List.of(new Event(0, 0, 3, Op.FORWARD))));
    }

    @Test
    void ticksAndEventsAtATick() {
        Schedule schedule = LayerPipe2Schedule.generate(3, 5);
        assertEquals(9, schedule.numTicks());
        assertEquals(List.of(new Event(0, 0, 0, Op.FORWARD)), schedule.eventsAt(0));
        assertEquals(List.of(new Event(8, 0, 4, Op.BACKWARD), new Event(8, 0, 4, Op.UPDATE)), schedule.eventsAt(8));
        assertEquals(List.of(), schedule.eventsAt(9));
        assertEquals(0, new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, List.of()).numTicks());
    }

    @Test
    void toStringIsTheGrid() {
        Schedule schedule = OneFOneBSchedule.generate(2, 3);
        assertEquals(schedule.grid(), schedule.toString());
    }

    @Test
    void updatesAreImplicitWithoutMicrobatches() {
        Schedule schedule = new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, List.of(
                new Event(0, 0, 0, Op.FORWARD), new Event(0, 0, 0, Op.BACKWARD), new Event(0, 0, 0, Op.UPDATE)));
        assertEquals("""
                tick | stage 0
                   0 | F0 B0
                """, schedule.grid());
    }

    @Test
    void gridColumnsWidenForLongCellsAndHeaders() {
        String grid = LayerPipe2Schedule.generate(2, 101).grid();
        List<String> lines = grid.lines().toList();
        assertEquals("tick | stage 0  | stage 1", lines.get(0));
        assertEquals("   0 | F0       | .", lines.get(1));
        assertEquals(" 100 | F100 B98 | F99 B99", lines.get(101));

        Schedule elevenStages = new Schedule(ScheduleKind.SEQUENTIAL, 11, 1, 1, List.of(new Event(0, 10, 0, Op.FORWARD)));
        assertEquals("""
                tick | stage 0 | stage 1 | stage 2 | stage 3 | stage 4 | stage 5 | stage 6 | stage 7 | stage 8 | stage 9 | stage 10
                   0 | .       | .       | .       | .       | .       | .       | .       | .       | .       | .       | F0
                """, elevenStages.grid());
    }

    @Test
    void tickColumnWidensPastFourDigits() {
        Schedule schedule = new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, List.of(new Event(10000, 0, 0, Op.FORWARD)));
        List<String> lines = schedule.grid().lines().toList();
        assertEquals(" tick | stage 0", lines.get(0));
        assertEquals("    0 | .", lines.get(1));
        assertEquals("10000 | F0", lines.get(10001));
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action::run).getMessage());
    }
}
