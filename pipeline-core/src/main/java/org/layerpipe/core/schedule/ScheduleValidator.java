package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link Schedule} against the invariants every executor relies on, without
 * running anything:
 *
 * <ul>
 *   <li>every unit has exactly one FORWARD and one BACKWARD at every stage, the forward first;
 *       under a schedule that splits backwards (ZB-H1) also exactly one WEIGHT, after the
 *       BACKWARD, and no WEIGHT under any other;</li>
 *   <li>a unit's forward moves strictly later from stage s to s+1, its backward strictly later
 *       from stage s+1 to s (activations and gradients need a tick to cross a boundary);</li>
 *   <li>a stage runs at most one FORWARD and at most one BACKWARD per tick; under
 *       ONE_F_ONE_B at most one op of either kind;</li>
 *   <li>each stage applies one UPDATE per unit (GPIPE: per minibatch), each after at least
 *       one BACKWARD since the previous UPDATE;</li>
 *   <li>the units in flight at a stage (forward run, backward not yet) peak at exactly
 *       {@code min(2S+1, units)} for LAYERPIPE2, at most {@code S+1} for ONE_F_ONE_B, at
 *       most {@code microbatches} for GPIPE, at most {@code min(microbatches, M − s)} for
 *       1F1B-flush, at most {@code min(microbatches, M)} — 1F1B-flush's peak — for ZB-H1 (whose
 *       units stay in flight until their WEIGHT) and exactly 1 for SEQUENTIAL, with
 *       {@code S = M − 1 − stage}: the activation memory each schedule promises.</li>
 * </ul>
 *
 * Order means the order of the schedule's event list, so a forward and a backward of the
 * same unit may share a tick (the forward is listed first).
 */
public final class ScheduleValidator {

    private ScheduleValidator() {
    }

    /** Every broken invariant of {@code schedule}, one sentence each naming stage, unit and tick; empty if valid. */
    public static List<String> violations(Schedule schedule) {
        int stages = schedule.numStages();
        int units = schedule.numUnits();
        List<Event> events = schedule.events();
        List<String> out = new ArrayList<>();

        // Positions in the event list of each unit's forwards and backwards, per stage.
        List<List<List<Integer>>> forwards = positions(stages, units);
        List<List<List<Integer>>> backwards = positions(stages, units);
        List<List<List<Integer>>> weights = positions(stages, units);
        boolean split = schedule.kind().splitsBackward();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            if (event.op() == Op.FORWARD) {
                forwards.get(event.stage()).get(event.minibatch()).add(i);
            } else if (event.op() == Op.BACKWARD) {
                backwards.get(event.stage()).get(event.minibatch()).add(i);
            } else if (event.op() == Op.WEIGHT) {
                if (split) {
                    weights.get(event.stage()).get(event.minibatch()).add(i);
                } else {
                    out.add("stage " + event.stage() + " runs a WEIGHT pass of unit " + event.minibatch() + " at tick " + event.tick()
                            + " but " + schedule.kind() + " does not split backwards");
                }
            }
        }

        boolean wellFormed = true;
        for (int stage = 0; stage < stages; stage++) {
            for (int unit = 0; unit < units; unit++) {
                wellFormed &= exactlyOnce(out, events, forwards.get(stage).get(unit), Op.FORWARD, stage, unit);
                wellFormed &= exactlyOnce(out, events, backwards.get(stage).get(unit), Op.BACKWARD, stage, unit);
                boolean oneWeight = !split || exactlyOnce(out, events, weights.get(stage).get(unit), Op.WEIGHT, stage, unit);
                wellFormed &= oneWeight;
                if (split && oneWeight && backwards.get(stage).get(unit).size() == 1
                        && weights.get(stage).get(unit).get(0) < backwards.get(stage).get(unit).get(0)) {
                    out.add("unit " + unit + " runs WEIGHT at stage " + stage + " at tick "
                            + events.get(weights.get(stage).get(unit).get(0)).tick() + " before its BACKWARD at tick "
                            + events.get(backwards.get(stage).get(unit).get(0)).tick());
                }
            }
        }
        // Order and in-flight depth are defined only once every unit has exactly one forward
        // and one backward per stage; checking them earlier would bury the cause in follow-ons.
        if (wellFormed) {
            checkOrder(out, events, forwards, backwards, stages, units);
        }
        checkOpsPerTick(out, schedule);
        checkDevicesPerTick(out, schedule);
        checkUpdates(out, schedule);
        if (wellFormed) {
            checkInFlight(out, schedule);
        }
        return out;
    }

    /** @throws InvalidScheduleException listing every violation, if there is any */
    public static void validate(Schedule schedule) {
        List<String> violations = violations(schedule);
        if (!violations.isEmpty()) {
            throw new InvalidScheduleException(schedule, violations);
        }
    }

    private static List<List<List<Integer>>> positions(int stages, int units) {
        List<List<List<Integer>>> byStage = new ArrayList<>(stages);
        for (int stage = 0; stage < stages; stage++) {
            List<List<Integer>> byUnit = new ArrayList<>(units);
            for (int unit = 0; unit < units; unit++) {
                byUnit.add(new ArrayList<>(1));
            }
            byStage.add(byUnit);
        }
        return byStage;
    }

    private static boolean exactlyOnce(List<String> out, List<Event> events, List<Integer> found,
                                       Op op, int stage, int unit) {
        if (found.size() == 1) {
            return true;
        }
        if (found.isEmpty()) {
            out.add("unit " + unit + " has no " + op + " at stage " + stage);
        } else {
            List<Integer> ticks = found.stream().map(i -> events.get(i).tick()).toList();
            out.add("unit " + unit + " has " + found.size() + " " + op + "s at stage " + stage + " (ticks "
                    + join(ticks) + "): each unit runs exactly one " + op + " per stage");
        }
        return false;
    }

    private static void checkOrder(List<String> out, List<Event> events, List<List<List<Integer>>> forwards,
                                   List<List<List<Integer>>> backwards, int stages, int units) {
        for (int unit = 0; unit < units; unit++) {
            for (int stage = 0; stage < stages; stage++) {
                int f = forwards.get(stage).get(unit).get(0);
                int b = backwards.get(stage).get(unit).get(0);
                if (b < f) {
                    out.add("unit " + unit + " runs BACKWARD at stage " + stage + " at tick " + events.get(b).tick()
                            + " before its FORWARD at tick " + events.get(f).tick());
                }
                if (stage + 1 < stages) {
                    int here = events.get(f).tick();
                    int next = events.get(forwards.get(stage + 1).get(unit).get(0)).tick();
                    if (next <= here) {
                        out.add("unit " + unit + " runs FORWARD at stage " + (stage + 1) + " at tick " + next
                                + ", not after its FORWARD at stage " + stage + " at tick " + here);
                    }
                    int backHere = events.get(b).tick();
                    int backNext = events.get(backwards.get(stage + 1).get(unit).get(0)).tick();
                    if (backHere <= backNext) {
                        out.add("unit " + unit + " runs BACKWARD at stage " + stage + " at tick " + backHere
                                + ", not after its BACKWARD at stage " + (stage + 1) + " at tick " + backNext);
                    }
                }
            }
        }
    }

    private static void checkOpsPerTick(List<String> out, Schedule schedule) {
        List<Event> events = schedule.events();
        // Events are sorted by tick, then stage: each (tick, stage) is one consecutive run.
        int start = 0;
        while (start < events.size()) {
            Event first = events.get(start);
            List<Integer> forwardUnits = new ArrayList<>();
            List<Integer> backwardUnits = new ArrayList<>();
            int end = start;
            while (end < events.size() && events.get(end).tick() == first.tick()
                    && events.get(end).stage() == first.stage()) {
                Event event = events.get(end);
                if (event.op() == Op.FORWARD) {
                    forwardUnits.add(event.minibatch());
                } else if (event.op() == Op.BACKWARD) {
                    backwardUnits.add(event.minibatch());
                }
                end++;
            }
            String where = "stage " + first.stage() + " runs ";
            if (forwardUnits.size() > 1) {
                out.add(where + forwardUnits.size() + " FORWARDs at tick " + first.tick() + " (units "
                        + join(forwardUnits) + "): at most one per stage per tick");
            }
            if (backwardUnits.size() > 1) {
                out.add(where + backwardUnits.size() + " BACKWARDs at tick " + first.tick() + " (units "
                        + join(backwardUnits) + "): at most one per stage per tick");
            }
            if (schedule.kind() == ScheduleKind.ONE_F_ONE_B && !forwardUnits.isEmpty() && !backwardUnits.isEmpty()) {
                out.add(where + "FORWARD of unit " + forwardUnits.get(0) + " and BACKWARD of unit "
                        + backwardUnits.get(0) + " at tick " + first.tick()
                        + ": ONE_F_ONE_B allows one op per stage per tick");
            }
            start = end;
        }
    }

    /** Stages that share a device (interleaved 1F1B) share its time: one forward and one backward per device per tick. */
    private static void checkDevicesPerTick(List<String> out, Schedule schedule) {
        if (schedule.chunks() == 1) {
            return;
        }
        java.util.Map<List<Integer>, Integer> passes = new java.util.HashMap<>();
        for (Event e : schedule.events()) {
            if (e.op() == Op.FORWARD || e.op() == Op.BACKWARD) {
                List<Integer> key = List.of(e.tick(), schedule.device(e.stage()), e.op().ordinal());
                if (passes.merge(key, 1, Integer::sum) == 2) {
                    out.add("device " + schedule.device(e.stage()) + " runs two " + e.op() + "s at tick " + e.tick()
                            + " (stage " + e.stage() + " and another of its stages): at most one per device per tick");
                }
            }
        }
    }

    private static void checkUpdates(List<String> out, Schedule schedule) {
        boolean perMinibatch = schedule.kind().microbatched();
        int expected = perMinibatch ? schedule.numUnits() / schedule.microbatches() : schedule.numUnits();
        for (int stage = 0; stage < schedule.numStages(); stage++) {
            int updates = 0;
            int backwardsSinceUpdate = 0;
            int weightsSinceUpdate = 0;
            for (Event event : schedule.events()) {
                if (event.stage() != stage) {
                    continue;
                }
                if (event.op() == Op.BACKWARD) {
                    backwardsSinceUpdate++;
                } else if (event.op() == Op.WEIGHT) {
                    weightsSinceUpdate++;
                } else if (event.op() == Op.UPDATE) {
                    if (backwardsSinceUpdate == 0) {
                        out.add("stage " + stage + " runs an UPDATE at tick " + event.tick() + " (unit "
                                + event.minibatch() + ") with no BACKWARD since its previous UPDATE");
                    }
                    if (schedule.kind().splitsBackward() && weightsSinceUpdate != backwardsSinceUpdate) {
                        out.add("stage " + stage + " runs an UPDATE at tick " + event.tick() + " (unit " + event.minibatch()
                                + ") after " + count(backwardsSinceUpdate, "BACKWARD") + " but "
                                + count(weightsSinceUpdate, "WEIGHT") + ": every weight gradient of the minibatch comes first");
                    }
                    updates++;
                    backwardsSinceUpdate = 0;
                    weightsSinceUpdate = 0;
                }
            }
            if (updates != expected) {
                out.add("stage " + stage + " applies " + updates + " UPDATEs but " + schedule.kind() + " needs "
                        + expected + (perMinibatch ? ", one per minibatch" : ", one per unit"));
            }
        }
    }

    private static void checkInFlight(List<String> out, Schedule schedule) {
        int stages = schedule.numStages();
        for (int stage = 0; stage < stages; stage++) {
            Set<Integer> inFlight = new HashSet<>();
            int peak = 0;
            int peakTick = 0;
            for (Event event : schedule.events()) {
                if (event.stage() != stage) {
                    continue;
                }
                if (event.op() == Op.FORWARD) {
                    inFlight.add(event.minibatch());
                    if (inFlight.size() > peak) {
                        peak = inFlight.size();
                        peakTick = event.tick();
                    }
                } else if (event.op() == (schedule.kind().splitsBackward() ? Op.WEIGHT : Op.BACKWARD)) {
                    inFlight.remove(event.minibatch());
                }
            }
            int after = stages - 1 - stage;
            String held = "stage " + stage + " holds up to " + count(peak, "unit") + " in flight (first at tick " + peakTick
                    + ") but " + schedule.kind();
            switch (schedule.kind()) {
                case LAYERPIPE2 -> {
                    int want = Math.min(2 * after + 1, schedule.numUnits());
                    if (peak != want) {
                        out.add(held + " holds exactly min(2S+1, units) = " + want);
                    }
                }
                case ONE_F_ONE_B -> {
                    if (peak > after + 1) {
                        out.add(held + " allows at most S+1 = " + (after + 1));
                    }
                }
                case GPIPE -> {
                    if (peak > schedule.microbatches()) {
                        out.add(held + " allows at most microbatches = " + schedule.microbatches());
                    }
                }
                case INTERLEAVED_1F1B -> {
                    if (peak > schedule.microbatches()) {
                        out.add(held + " allows at most microbatches = " + schedule.microbatches());
                    }
                }
                case ZB_H1 -> {
                    int want = Math.min(schedule.microbatches(), stages);
                    if (peak > want) {
                        out.add(held + " allows at most min(microbatches, M) = " + want + ", 1F1B-flush's peak (its first stage's)");
                    }
                }
                case ONE_F_ONE_B_FLUSH -> {
                    int want = Math.min(schedule.microbatches(), stages - stage);
                    if (peak > want) {
                        out.add(held + " allows at most min(microbatches, M − s) = " + want);
                    }
                }
                case SEQUENTIAL -> {
                    if (peak != 1) {
                        out.add(held + " holds exactly 1");
                    }
                }
            }
        }
    }

    /** "1 unit", "3 units": messages read as sentences, also for counts of one. */
    static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }

    private static String join(List<Integer> values) {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }
}
