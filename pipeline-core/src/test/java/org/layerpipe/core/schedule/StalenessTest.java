package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StalenessTest {

    @Test
    void referenceScheduleMatchesTheDesign() {
        int[][] staleness = Staleness.updatesBetweenForwardAndBackward(LayerPipe2Schedule.generate(3, 5));
        // Stage 0, unit 4: F4 at tick 4 runs before B0's update in that tick, which counts; B4 at tick 8
        // follows the updates of B0..B3 and precedes its own, which does not: 4 = 2·S(0).
        assertEquals("[0, 1, 2, 3, 4]", Arrays.toString(staleness[0]));
        assertEquals("[0, 1, 2, 2, 2]", Arrays.toString(staleness[1]));
        assertEquals("[0, 0, 0, 0, 0]", Arrays.toString(staleness[2]));
    }

    @Test
    void oneFOneBIsHalfAsStale() {
        int[][] staleness = Staleness.updatesBetweenForwardAndBackward(OneFOneBSchedule.generate(3, 5));
        assertEquals("[0, 1, 2, 2, 2]", Arrays.toString(staleness[0]));
        assertEquals("[0, 1, 1, 1, 1]", Arrays.toString(staleness[1]));
        assertEquals("[0, 0, 0, 0, 0]", Arrays.toString(staleness[2]));
    }

    @Test
    void refusesInvalidSchedules() {
        List<Event> events = new ArrayList<>(LayerPipe2Schedule.generate(2, 3).events());
        assertTrue(events.remove(new Event(3, 1, 2, Op.BACKWARD)));
        Schedule broken = new Schedule(ScheduleKind.LAYERPIPE2, 2, 3, 1, events);
        InvalidScheduleException thrown = assertThrows(InvalidScheduleException.class,
                () -> Staleness.updatesBetweenForwardAndBackward(broken));
        assertEquals("unit 2 has no BACKWARD at stage 1", thrown.violations().get(0));
    }
}
