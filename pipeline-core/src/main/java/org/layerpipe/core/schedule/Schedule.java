package org.layerpipe.core.schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.layerpipe.core.text.Table;

/**
 * A pipeline schedule as data: which stage runs which op on which unit of data at which
 * tick. Built by a pure generator ({@link #generate}), checked by {@link ScheduleValidator},
 * run by an executor that just follows the events.
 *
 * <p>Events are kept sorted by tick, then stage, then op ({@code FORWARD < BACKWARD <
 * UPDATE}, the order in which a stage runs them within a tick), then unit.
 *
 * @param kind         which schedule this is
 * @param numStages    M, number of pipeline stages
 * @param numUnits     number of units of data that enter the pipeline (minibatches; for
 *                     GPipe microbatches, {@code minibatches · microbatches})
 * @param microbatches microbatches per minibatch: 1 except for the {@link ScheduleKind#microbatched()} kinds
 * @param chunks       stages per device: 1 except for {@link ScheduleKind#INTERLEAVED_1F1B}, whose device
 *                     {@code d} of {@code p = numStages / chunks} holds stages {@code d, d + p, …}
 * @param events       the events, sorted and unmodifiable
 */
public record Schedule(ScheduleKind kind, int numStages, int numUnits, int microbatches, int chunks, List<Event> events) {

    private static final Comparator<Event> ORDER = Comparator.comparingInt(Event::tick)
            .thenComparingInt(Event::stage)
            .thenComparing(Event::op)
            .thenComparingInt(Event::minibatch);

    public Schedule {
        if (kind == null) {
            throw new IllegalArgumentException("kind is missing (null): use one of " + List.of(ScheduleKind.values()));
        }
        if (numStages < 1) {
            throw new IllegalArgumentException(
                    "numStages must be >= 1 but was " + numStages + ": a pipeline needs at least one stage");
        }
        if (numUnits < 1) {
            throw new IllegalArgumentException(
                    "numUnits must be >= 1 but was " + numUnits + ": a schedule needs at least one unit of data");
        }
        if (microbatches < 1) {
            throw new IllegalArgumentException(
                    "microbatches must be >= 1 but was " + microbatches + ": use 1 for no microbatching");
        }
        if (!kind.microbatched() && microbatches != 1) {
            throw new IllegalArgumentException("microbatches must be 1 for " + kind + " but was " + microbatches
                    + ": only GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1 and INTERLEAVED_1F1B split minibatches into microbatches");
        }
        if (numUnits % microbatches != 0) {
            throw new IllegalArgumentException("numUnits must be a multiple of microbatches but was " + numUnits
                    + " with " + microbatches + " microbatches: use whole minibatches of " + microbatches + " units");
        }
        if (chunks < 1 || numStages % chunks != 0 || (chunks > 1 && kind != ScheduleKind.INTERLEAVED_1F1B)) {
            throw new IllegalArgumentException("chunks must divide the " + numStages + " stages and be 1 except for"
                    + " INTERLEAVED_1F1B, but was " + chunks + " for " + kind);
        }
        if (events == null) {
            throw new IllegalArgumentException("events are missing (null): pass a list, possibly empty");
        }
        List<Event> sorted = new ArrayList<>(events.size());
        for (Event event : events) {
            if (event == null) {
                throw new IllegalArgumentException("events contain null: every event needs a tick, stage, unit and op");
            }
            // Out-of-range indices are malformed data, not a broken schedule: reject them here
            // so that the validator and the grid can index by stage and unit.
            if (event.stage() >= numStages) {
                throw new IllegalArgumentException("event " + event + " has stage " + event.stage()
                        + " but the schedule has " + numStages + " stages: use stages 0.." + (numStages - 1));
            }
            if (event.minibatch() >= numUnits) {
                throw new IllegalArgumentException("event " + event + " has unit " + event.minibatch()
                        + " but the schedule has " + numUnits + " units: use units 0.." + (numUnits - 1));
            }
            sorted.add(event);
        }
        sorted.sort(ORDER);
        events = List.copyOf(sorted);
    }

    /** A schedule with one stage per device. */
    public Schedule(ScheduleKind kind, int numStages, int numUnits, int microbatches, List<Event> events) {
        this(kind, numStages, numUnits, microbatches, 1, events);
    }

    /** Devices the stages run on: {@code numStages / chunks}. */
    public int numDevices() {
        return numStages / chunks;
    }

    /** The device that runs {@code stage}: stage {@code s} on device {@code s mod numDevices()}. */
    public int device(int stage) {
        return stage % numDevices();
    }

    /**
     * The schedule of {@code kind} for {@code numStages} stages and {@code numUnits} units;
     * interleaved 1F1B with {@link #INTERLEAVED_CHUNKS} chunks per device.
     *
     * @param microbatches 1, except for GPIPE, where {@code numUnits} must be a multiple of
     *                     it and each group of {@code microbatches} units is one minibatch
     */
    public static Schedule generate(ScheduleKind kind, int numStages, int numUnits, int microbatches) {
        return generate(kind, numStages, numUnits, microbatches, kind == ScheduleKind.INTERLEAVED_1F1B ? INTERLEAVED_CHUNKS : 1);
    }

    /** Model chunks per device of interleaved 1F1B unless said otherwise (Megatron-LM's examples use 2–4). */
    public static final int INTERLEAVED_CHUNKS = 2;

    /**
     * The schedule of {@code kind} for {@code numStages} stages and {@code numUnits} units, with
     * {@code chunks} stages per device (more than 1 for INTERLEAVED_1F1B only).
     */
    public static Schedule generate(ScheduleKind kind, int numStages, int numUnits, int microbatches, int chunks) {
        if (kind == null) {
            throw new IllegalArgumentException("kind is missing (null): use one of " + List.of(ScheduleKind.values()));
        }
        if (!kind.microbatched() && microbatches != 1) {
            throw new IllegalArgumentException("microbatches must be 1 for " + kind + " but was " + microbatches
                    + ": only GPIPE, ONE_F_ONE_B_FLUSH, ZB_H1 and INTERLEAVED_1F1B split minibatches into microbatches");
        }
        switch (kind) {
            case SEQUENTIAL:
                return SequentialSchedule.generate(numStages, numUnits);
            case LAYERPIPE2:
                return LayerPipe2Schedule.generate(numStages, numUnits);
            case ONE_F_ONE_B:
                return OneFOneBSchedule.generate(numStages, numUnits);
            case GPIPE:
            case ONE_F_ONE_B_FLUSH:
            case ZB_H1:
            case INTERLEAVED_1F1B:
                if (microbatches < 1) {
                    throw new IllegalArgumentException(
                            "microbatches must be >= 1 but was " + microbatches + ": use 1 for no microbatching");
                }
                if (numUnits % microbatches != 0) {
                    throw new IllegalArgumentException(kind + " needs numUnits to be a multiple of microbatches but got "
                            + numUnits + " units and " + microbatches + " microbatches: use whole minibatches of "
                            + microbatches + " units");
                }
                int minibatches = numUnits / microbatches;
                return switch (kind) {
                    case GPIPE -> GPipeSchedule.generate(numStages, minibatches, microbatches);
                    case ONE_F_ONE_B_FLUSH -> OneFOneBFlushSchedule.generate(numStages, minibatches, microbatches);
                    case INTERLEAVED_1F1B -> InterleavedOneFOneBSchedule.generate(numStages, chunks, minibatches, microbatches);
                    default -> ZbH1Schedule.generate(numStages, minibatches, microbatches);
                };
            default:
                throw new AssertionError("no generator for " + kind);
        }
    }

    /** The argument checks every minibatched generator starts with. */
    static void requireMinibatches(int numMinibatches, int microbatches) {
        if (numMinibatches < 1) {
            throw new IllegalArgumentException("numMinibatches must be >= 1 but was " + numMinibatches
                    + ": a schedule needs at least one minibatch");
        }
        if (microbatches < 1) {
            throw new IllegalArgumentException(
                    "microbatches must be >= 1 but was " + microbatches + ": use 1 for no microbatching");
        }
    }

    /** Number of ticks from tick 0 through the last event's tick. */
    public int numTicks() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).tick() + 1;
    }

    /** The events of {@code tick}, in schedule order. */
    public List<Event> eventsAt(int tick) {
        return events.stream().filter(event -> event.tick() == tick).toList();
    }

    /**
     * The schedule as a text grid, one row per tick and one column per stage, each line
     * ending in a newline and carrying no trailing spaces:
     *
     * <pre>
     * tick | stage 0 | stage 1 | stage 2
     *    0 | F0      | .       | .
     *    1 | F1      | F0      | .
     *    2 | F2      | F1      | F0 B0
     * </pre>
     *
     * A cell lists the stage's ops of that tick as {@code F<unit>} and {@code B<unit>} (and
     * {@code W<unit>} for a split backward's weight-gradient pass),
     * {@code .} when the stage is idle. Updates are printed as {@code U} only when
     * {@code microbatches > 1} (GPipe, where the update is a separate flush step); in the
     * other schedules every backward is followed by its update in the same cell, so the
     * {@code U} is left implicit.
     */
    public String grid() {
        int ticks = numTicks();
        List<List<String>> cells = new ArrayList<>(ticks);
        for (int tick = 0; tick < ticks; tick++) {
            List<String> row = new ArrayList<>(numStages);
            for (int stage = 0; stage < numStages; stage++) {
                row.add("");
            }
            cells.add(row);
        }
        for (Event event : events) {
            String label = switch (event.op()) {
                case FORWARD -> "F" + event.minibatch();
                case BACKWARD -> "B" + event.minibatch();
                case WEIGHT -> "W" + event.minibatch();
                case UPDATE -> microbatches > 1 ? "U" : null;
            };
            if (label != null) {
                List<String> row = cells.get(event.tick());
                String cell = row.get(event.stage());
                row.set(event.stage(), cell.isEmpty() ? label : cell + " " + label);
            }
        }

        String[] header = new String[numStages + 1];
        header[0] = "tick";
        for (int stage = 0; stage < numStages; stage++) {
            header[stage + 1] = "stage " + stage;
        }
        Table table = new Table(header);
        for (int tick = 0; tick < ticks; tick++) {
            String[] row = new String[numStages + 1];
            row[0] = String.valueOf(tick);
            for (int stage = 0; stage < numStages; stage++) {
                String cell = cells.get(tick).get(stage);
                row[stage + 1] = cell.isEmpty() ? "." : cell;
            }
            table.row(row);
        }
        // ticks right-aligned, the stages' events left-aligned
        return table.piped(column -> column > 0);
    }

    /** The {@link #grid()}. */
    @Override
    public String toString() {
        return grid();
    }
}
