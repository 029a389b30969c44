package org.layerpipe.core.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleKindTest {

    @Test
    void parsesUserSpellings() {
        assertEquals(ScheduleKind.SEQUENTIAL, ScheduleKind.parse("sequential"));
        assertEquals(ScheduleKind.LAYERPIPE2, ScheduleKind.parse("layerpipe2"));
        assertEquals(ScheduleKind.LAYERPIPE2, ScheduleKind.parse(" LayerPipe2 "));
        assertEquals(ScheduleKind.LAYERPIPE2, ScheduleKind.parse("layer-pipe-2"));
        assertEquals(ScheduleKind.ONE_F_ONE_B, ScheduleKind.parse("1f1b"));
        assertEquals(ScheduleKind.ONE_F_ONE_B, ScheduleKind.parse("1F1B"));
        assertEquals(ScheduleKind.ONE_F_ONE_B, ScheduleKind.parse("one-f-one-b"));
        assertEquals(ScheduleKind.GPIPE, ScheduleKind.parse("gpipe"));
        assertEquals(ScheduleKind.GPIPE, ScheduleKind.parse("GPipe"));
    }

    @Test
    void parsesEveryEnumName() {
        for (ScheduleKind kind : ScheduleKind.values()) {
            assertEquals(kind, ScheduleKind.parse(kind.name()));
        }
    }

    @Test
    void rejectsUnknownNamesListingTheAcceptedOnes() {
        assertEquals("unknown schedule \"pipedream\": use one of sequential, layerpipe2, 1f1b (or one-f-one-b), gpipe, 1f1b-flush (or pipedream-flush), zb-h1 (or zero-bubble), interleaved-1f1b (plan only)",
                assertThrows(IllegalArgumentException.class, () -> ScheduleKind.parse("pipedream")).getMessage());
        assertEquals("unknown schedule \"\": use one of sequential, layerpipe2, 1f1b (or one-f-one-b), gpipe, 1f1b-flush (or pipedream-flush), zb-h1 (or zero-bubble), interleaved-1f1b (plan only)",
                assertThrows(IllegalArgumentException.class, () -> ScheduleKind.parse("")).getMessage());
        assertEquals("unknown schedule \"null\": use one of sequential, layerpipe2, 1f1b (or one-f-one-b), gpipe, 1f1b-flush (or pipedream-flush), zb-h1 (or zero-bubble), interleaved-1f1b (plan only)",
                assertThrows(IllegalArgumentException.class, () -> ScheduleKind.parse(null)).getMessage());
    }
}
