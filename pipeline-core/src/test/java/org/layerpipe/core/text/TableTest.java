package org.layerpipe.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    private static Table sample() {
        return new Table("mode", "acc").row("stash", "0.81").row("ema|pa", "0.8");
    }

    @Test
    void markdownPadsColumnsAndEscapesPipes() {
        assertEquals("""
                | mode   | acc  |
                | ------ | ---- |
                | stash  | 0.81 |
                | ema\\|pa | 0.8  |
                """, sample().markdown());
    }

    @Test
    void alignedRightAlignsUnderARule() {
        assertEquals("""
                  mode   acc
                ------------
                 stash  0.81
                ema|pa   0.8
                """, sample().aligned());
    }

    @Test
    void rowsCanBePrintedAsTheyCome() {
        Table t = new Table("epoch", "loss").row("1", "0.5");
        assertEquals("epoch  loss\n-----------\n", t.alignedHeader());
        assertEquals("    1   0.5", t.alignedLine(1));
        assertEquals(1, t.size());
    }

    @Test
    void pipedAndPlainPadEachColumnOnItsSideAndEndNoLineInSpaces() {
        Table t = new Table("tick", "stage 0", "stage 1").row("9", "F3", "").row("10", "B12", "U");
        assertEquals("tick | stage 0 | stage 1\n   9 | F3      |\n  10 | B12     | U\n", t.piped(column -> column > 0));
        assertEquals("tick | stage 0 | stage 1\n9    |      F3 |\n10   |     B12 |       U\n", t.piped(1));
        assertEquals("tick  stage 0  stage 1\n9     F3\n10    B12      U\n", t.plain());
    }

    @Test
    void aRowMustFitTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("only one"));
    }
}
