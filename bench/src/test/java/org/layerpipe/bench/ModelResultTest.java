package org.layerpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelResultTest {

    static Measurement m(String weights, double samples, double ms) {
        return new Measurement(weights, samples, ms, weights.equals("dl4j") ? Double.NaN : 0.9, weights.equals("dl4j") ? "-" : "0.90,0.71",
                weights.equals("dl4j") ? "-" : "[2,3]", 1024.0, 0.0, 0.0, 300_000.0);
    }

    private static ModelResult result(boolean withDl4j) {
        return new ModelResult("cnn", 64, 24, 2, withDl4j ? m("dl4j", 169, 378.7) : null, withDl4j ? m("dl4j", 193, 331.6) : null,
                m("ema-pa", 149, 429.5), m("latest", 128, 500.0), m("ema-pa", 131, 520.0), m("stash", 120, 540.0),
                m("predicted", 142, 450.0));
    }

    @Test
    void reportParsesBackWithEveryRequiredKey() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("cores", 2);
        doc.put("models", List.of(result(true).json(), result(false).json()));
        Object parsed = new TinyJsonParser(BenchJson.write(doc)).parseDocument();

        Map<?, ?> top = (Map<?, ?>) parsed;
        assertEquals(2.0, top.get("cores"));
        List<?> models = (List<?>) top.get("models");
        assertEquals(2, models.size());
        for (Object o : models) {
            Map<?, ?> model = (Map<?, ?>) o;
            for (String key : ModelResult.REQUIRED_KEYS) {
                assertTrue(model.containsKey(key), "model JSON lacks " + key + ": " + model);
            }
            assertEquals(List.copyOf(ModelResult.REQUIRED_KEYS), List.copyOf(model.keySet()).subList(0, ModelResult.REQUIRED_KEYS.size()));
            assertEquals("cnn", model.get("model"));
            assertEquals(149.0, model.get("ours_m1"));
            assertEquals(131.0, model.get("ours_m2"));
            assertEquals(520.0 / 500.0 - 1, (Double) model.get("ema_overhead"), 1e-12);
            assertEquals(540.0 / 500.0 - 1, (Double) model.get("stash_overhead"), 1e-12);
            assertEquals(131.0 / 149.0, (Double) model.get("m2_over_m1"), 1e-12);
            assertEquals(1024.0, model.get("alloc_bytes_per_step"));
            assertEquals("[2,3]", model.get("partition_m2"));
        }
        Map<?, ?> withDl4j = (Map<?, ?>) models.get(0);
        assertEquals(169.0, withDl4j.get("dl4j_1"));
        assertEquals(193.0, withDl4j.get("dl4j_n"));
        Map<?, ?> without = (Map<?, ?>) models.get(1);
        assertTrue(without.containsKey("dl4j_1"));
        assertNull(without.get("dl4j_1"), "not measured is null, not NaN (which JSON cannot hold)");
        assertNull(without.get("m2_over_best_dl4j"));
    }

    @Test
    void tableRowsFitTheirHeaders() {
        for (ModelResult r : List.of(result(true), result(false))) {
            assertEquals(ModelResult.throughputHeader(2).length, r.throughputRow().length);
            assertEquals(ModelResult.stepHeader().length, r.stepRow().length);
        }
        String[] row = result(false).throughputRow();
        assertEquals("n/a", row[2], "no DL4J reference for the model");
        assertEquals("+4.0%", result(true).stepRow()[5], "EMA 520 ms over LATEST 500 ms");
    }

    @Test
    void thePredictionIsComparedWithTheMeasuredLatestRun() {
        assertEquals(450.0 / 500.0 - 1, result(true).predictionError(), 1e-12);
        assertEquals(-0.1, (double) result(true).json().get("prediction_error_m2"), 1e-12);
        assertTrue(String.join("|", result(true).stepRow()).contains("|450.0|-10.0%|"), String.join("|", result(true).stepRow()));
    }

    @Test
    void everyPipelineMeasurementIsNeeded() {
        assertThrows(IllegalArgumentException.class, () -> new ModelResult("mlp", 64, 10, 1, null, null, m("ema-pa", 1, 1), null,
                m("ema-pa", 1, 1), m("stash", 1, 1), null));
    }
}
