package org.layerpipe.jobs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DynamicFormsTest {

    @Test
    void readsTextBoxesAndSelects() {
        List<DynamicForms.Form> forms = DynamicForms.occurrences(
                "FROM parquet.`${results=/tmp/r}/trials` WHERE s = '${schedule=layerpipe2,layerpipe2|sequential(Plain SGD)}' LIMIT ${top}");
        assertEquals(List.of(new DynamicForms.Form("results", "/tmp/r", List.of()),
                new DynamicForms.Form("schedule", "layerpipe2", List.of("layerpipe2", "sequential")),
                new DynamicForms.Form("top", "", List.of())), forms);
        assertEquals("Select", forms.get(1).type());
        assertEquals("TextBox", forms.get(0).type());
    }

    @Test
    void fillsGivenValuesAndDefaultsEverywhere() {
        String text = "a ${results=/tmp/r}/x b ${results=/tmp/r}/y c ${top=20} d ${s=a,a|b}";
        assertEquals("a hdfs:///r$1/x b hdfs:///r$1/y c 20 d a", DynamicForms.fill(text, Map.of("results", "hdfs:///r$1")));
    }

    @Test
    void refusesKindsTheNotesDoNotUse() {
        assertThrows(IllegalArgumentException.class, () -> DynamicForms.occurrences("${checkbox:c=a,a|b}"));
        assertThrows(IllegalArgumentException.class, () -> DynamicForms.occurrences("$${results=/tmp}"));
    }
}
