package org.layerpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BenchJsonTest {

    @Test
    void writesValuesJsonCanHold() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 é");
        v.put("int", 42);
        v.put("long", 1L << 40);
        v.put("double", 0.1);
        v.put("tiny", 1e-9);
        v.put("nan", Double.NaN);
        v.put("inf", Double.NEGATIVE_INFINITY);
        v.put("yes", true);
        v.put("none", null);
        v.put("empty list", List.of());
        v.put("empty map", Map.of());
        v.put("list", Arrays.asList(1, "two", null));
        String json = BenchJson.write(v);
        assertTrue(json.endsWith("}\n"));
        assertTrue(json.contains("\\u0007"));
        Map<?, ?> back = (Map<?, ?>) new TinyJsonParser(json).parseDocument();
        assertEquals(v.get("text"), back.get("text"));
        assertEquals(42.0, back.get("int"));
        assertEquals((double) (1L << 40), back.get("long"));
        assertEquals(0.1, back.get("double"));
        assertEquals(1e-9, back.get("tiny"));
        assertNull(back.get("nan"));
        assertTrue(back.containsKey("nan"));
        assertNull(back.get("inf"));
        assertEquals(true, back.get("yes"));
        assertNull(back.get("none"));
        assertEquals(List.of(), back.get("empty list"));
        assertEquals(Map.of(), back.get("empty map"));
        assertEquals(Arrays.asList(1.0, "two", null), back.get("list"));
        assertEquals(List.copyOf(v.keySet()), List.copyOf(back.keySet()), "keys keep their order");
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> BenchJson.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> BenchJson.write(List.of(new Object())));
    }
}
