package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleValidatorTest {

    /** The design's reference: LAYERPIPE2, M = 3, five units. */
    private static final Schedule REFERENCE = LayerPipe2Schedule.generate(3, 5);

    private static Schedule relabel(ScheduleKind kind, int microbatches, List<Event> events) {
        return new Schedule(kind, REFERENCE.numStages(), REFERENCE.numUnits(), microbatches, events);
    }

    private static Schedule broken(List<Event> events) {
        return relabel(ScheduleKind.LAYERPIPE2, 1, events);
    }

    private static List<Event> referenceEvents() {
        return new ArrayList<>(REFERENCE.events());
    }

    @Test
    void everyGeneratorIsValid() {
        int checked = 0;
        for (int stages = 1; stages <= 6; stages++) {
            for (int units = 1; units <= 12; units++) {
                for (ScheduleKind kind : List.of(ScheduleKind.SEQUENTIAL, ScheduleKind.LAYERPIPE2, ScheduleKind.ONE_F_ONE_B)) {
                    Schedule schedule = Schedule.generate(kind, stages, units, 1);
                    assertEquals(List.of(), ScheduleValidator.violations(schedule), kind + " M=" + stages + " units=" + units);
                    checked++;
                }
                for (int microbatches = 1; microbatches <= 4; microbatches++) {
                    if (units % microbatches == 0) {
                        Schedule schedule = Schedule.generate(ScheduleKind.GPIPE, stages, units, microbatches);
                        assertEquals(List.of(), ScheduleValidator.violations(schedule),
                                "GPIPE M=" + stages + " units=" + units + " m=" + microbatches);
                        checked++;
                    }
                }
            }
        }
        assertEquals(6 * (3 * 12 + 12 + 6 + 4 + 3), checked);
    }

    @Test
    void catchesBackwardBeforeForward() {
        // Unit 2's backward (and its update) at stage 1 moved from tick 5 to tick 2, before its forward at tick 3.
        List<Event> events = referenceEvents();
        events.replaceAll(e -> e.stage() == 1 && e.minibatch() == 2 && e.op() != Op.FORWARD
                ? new Event(2, 1, 2, e.op()) : e);
        assertEquals(List.of(
                "unit 2 runs BACKWARD at stage 1 at tick 2 before its FORWARD at tick 3",
                "unit 2 runs BACKWARD at stage 1 at tick 2, not after its BACKWARD at stage 2 at tick 4"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesBackwardBeforeForwardOnASingleStage() {
        Schedule schedule = new Schedule(ScheduleKind.SEQUENTIAL, 1, 1, 1, List.of(
                new Event(1, 0, 0, Op.FORWARD), new Event(0, 0, 0, Op.BACKWARD), new Event(0, 0, 0, Op.UPDATE)));
        assertEquals(List.of("unit 0 runs BACKWARD at stage 0 at tick 0 before its FORWARD at tick 1"),
                ScheduleValidator.violations(schedule));
    }

    @Test
    void catchesDuplicateForward() {
        List<Event> events = referenceEvents();
        events.add(new Event(6, 0, 1, Op.FORWARD));
        assertEquals(List.of("unit 1 has 2 FORWARDs at stage 0 (ticks 1, 6): each unit runs exactly one FORWARD per stage"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesMissingBackward() {
        List<Event> events = referenceEvents();
        assertTrue(events.remove(new Event(6, 1, 3, Op.BACKWARD)));
        assertEquals(List.of(
                "unit 3 has no BACKWARD at stage 1",
                "stage 1 runs an UPDATE at tick 6 (unit 3) with no BACKWARD since its previous UPDATE"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesTwoForwardsInOneTick() {
        List<Event> events = referenceEvents();
        events.replaceAll(e -> e.equals(new Event(4, 0, 4, Op.FORWARD)) ? new Event(3, 0, 4, Op.FORWARD) : e);
        assertEquals(List.of("stage 0 runs 2 FORWARDs at tick 3 (units 3, 4): at most one per stage per tick"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesTwoBackwardsInOneTick() {
        List<Event> events = referenceEvents();
        events.replaceAll(e -> e.stage() == 0 && e.minibatch() == 4 && e.op() != Op.FORWARD
                ? new Event(7, 0, 4, e.op()) : e);
        // Sorted by op, the tick reads B3 B4 U3 U4 at stage 0, so U4 also lacks a backward of its own.
        assertEquals(List.of(
                "unit 4 runs BACKWARD at stage 0 at tick 7, not after its BACKWARD at stage 1 at tick 7",
                "stage 0 runs 2 BACKWARDs at tick 7 (units 3, 4): at most one per stage per tick",
                "stage 0 runs an UPDATE at tick 7 (unit 4) with no BACKWARD since its previous UPDATE"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesForwardThatDoesNotMoveDownThePipeline() {
        List<Event> events = referenceEvents();
        events.replaceAll(e -> e.equals(new Event(2, 1, 1, Op.FORWARD)) ? new Event(1, 1, 1, Op.FORWARD) : e);
        assertEquals(List.of(
                "unit 1 runs FORWARD at stage 1 at tick 1, not after its FORWARD at stage 0 at tick 1",
                "stage 1 runs 2 FORWARDs at tick 1 (units 0, 1): at most one per stage per tick"),
                ScheduleValidator.violations(broken(events)));
    }

    @Test
    void catchesUpdateWithoutBackward() {
        List<Event> events = referenceEvents();
        events.add(new Event(1, 0, 0, Op.UPDATE));
        Schedule schedule = broken(events);
        List<String> expected = List.of(
                "stage 0 runs an UPDATE at tick 1 (unit 0) with no BACKWARD since its previous UPDATE",
                "stage 0 applies 6 UPDATEs but LAYERPIPE2 needs 5, one per unit");
        assertEquals(expected, ScheduleValidator.violations(schedule));
        InvalidScheduleException thrown = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(schedule));
        assertEquals("invalid LAYERPIPE2 schedule (3 stages, 5 units): " + String.join("; ", expected),
                thrown.getMessage());
        assertEquals(expected, thrown.violations());
    }

    @Test
    void gpipeNeedsOneUpdatePerMinibatch() {
        List<Event> events = new ArrayList<>(GPipeSchedule.generate(2, 2, 2).events());
        events.add(new Event(3, 1, 1, Op.UPDATE));
        Schedule schedule = new Schedule(ScheduleKind.GPIPE, 2, 4, 2, events);
        assertEquals(List.of("stage 1 applies 3 UPDATEs but GPIPE needs 2, one per minibatch"),
                ScheduleValidator.violations(schedule));
        assertEquals("invalid GPIPE schedule (2 stages, 4 units in minibatches of 2): "
                        + "stage 1 applies 3 UPDATEs but GPIPE needs 2, one per minibatch",
                assertThrows(InvalidScheduleException.class, () -> ScheduleValidator.validate(schedule)).getMessage());
    }

    @Test
    void oneFOneBAllowsOneOpPerStagePerTick() {
        List<String> violations = ScheduleValidator.violations(relabel(ScheduleKind.ONE_F_ONE_B, 1, REFERENCE.events()));
        assertEquals("stage 2 runs FORWARD of unit 0 and BACKWARD of unit 0 at tick 2: "
                + "ONE_F_ONE_B allows one op per stage per tick", violations.get(0));
        assertEquals(List.of(
                "stage 0 holds up to 5 units in flight (first at tick 4) but ONE_F_ONE_B allows at most S+1 = 3",
                "stage 1 holds up to 3 units in flight (first at tick 3) but ONE_F_ONE_B allows at most S+1 = 2"),
                violations.subList(violations.size() - 2, violations.size()));
        assertEquals(11, violations.size());
    }

    @Test
    void inFlightDepthIsPinnedPerKind() {
        assertEquals(List.of(
                "stage 0 holds up to 5 units in flight (first at tick 4) but SEQUENTIAL holds exactly 1",
                "stage 1 holds up to 3 units in flight (first at tick 3) but SEQUENTIAL holds exactly 1"),
                ScheduleValidator.violations(relabel(ScheduleKind.SEQUENTIAL, 1, REFERENCE.events())));
        assertEquals(List.of(
                "stage 0 holds up to 5 units in flight (first at tick 4) but GPIPE allows at most microbatches = 1",
                "stage 1 holds up to 3 units in flight (first at tick 3) but GPIPE allows at most microbatches = 1"),
                ScheduleValidator.violations(relabel(ScheduleKind.GPIPE, 1, REFERENCE.events())));
        // A sequential schedule under the LayerPipe2 label keeps too few units in flight.
        Schedule sequential = SequentialSchedule.generate(2, 3);
        assertEquals(List.of(
                "stage 0 holds up to 1 unit in flight (first at tick 0) but LAYERPIPE2 holds exactly min(2S+1, units) = 3"),
                ScheduleValidator.violations(new Schedule(ScheduleKind.LAYERPIPE2, 2, 3, 1, sequential.events())));
    }

    @Test
    void validatePassesValidSchedules() {
        ScheduleValidator.validate(REFERENCE);
        ScheduleValidator.validate(GPipeSchedule.generate(4, 3, 4));
    }
}
