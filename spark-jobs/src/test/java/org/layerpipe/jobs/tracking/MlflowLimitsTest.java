package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MlflowLimitsTest {

    @Test
    void aValueThatFitsIsLeftAlone() {
        String fits = "x".repeat(MlflowLimits.TAG_VALUE);
        assertSame(fits, MlflowLimits.cut(fits, MlflowLimits.TAG_VALUE));
        assertEquals(null, MlflowLimits.cut(null, 10));
    }

    @Test
    void aLongValueIsCutToTheLimitWithAMarkerSayingWhereTheRestIs() {
        String cut = MlflowLimits.cut("y".repeat(20_000), MlflowLimits.TAG_VALUE, "summary.md");
        assertEquals(MlflowLimits.TAG_VALUE, cut.length(), "as much as fits");
        int shown = cut.indexOf('\n');
        assertEquals("y".repeat(shown), cut.substring(0, shown));
        assertEquals("\n… [cut: " + shown + " of 20000 characters shown; the full text is the artifact summary.md]", cut.substring(shown));
        assertTrue(MlflowLimits.cut("z".repeat(7000), MlflowLimits.PARAM_VALUE).endsWith(" of 7000 characters shown]"));
    }

    @Test
    void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units
        for (int pad = 0; pad < 3; pad++) {
            String cut = MlflowLimits.cut("a".repeat(pad) + emoji.repeat(100), 60);
            assertTrue(cut.length() <= 60, cut);
            String kept = cut.substring(0, cut.indexOf('\n'));
            assertTrue(!Character.isHighSurrogate(kept.charAt(kept.length() - 1)), "split pair at pad " + pad + ": " + kept);
        }
    }

    @Test
    void theInMemoryTrackerCutsAsTheServerWouldRefuse() {
        InMemoryTracker t = new InMemoryTracker();
        String run = t.createRun(t.experimentId("e"), "r", Map.of("long", "v".repeat(9000)), null);
        t.setTags(run, Map.of("note", "n".repeat(8001)));
        t.logParams(run, Map.of("p", "p".repeat(6001)));
        RunInfo info = t.getRun(run).orElseThrow();
        assertEquals(List.of(8000, 8000, 6000), List.of(info.tags().get("long").length(), info.tags().get("note").length(),
                info.params().get("p").length()));
    }
}
