package org.layerpipe.jobs.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MLflow's REST JSON for the values we send and read back — metrics (NaN and infinities as the
 * strings MLflow's protobuf JSON expects), dataset inputs, key-value pairs — in one place for the
 * REST client and the journal that stores calls in the same form.
 */
final class MlflowJson {

    private MlflowJson() {
    }

    static ObjectNode inputJson(DatasetInput in) {
        ObjectNode input = MlflowHttp.JSON.createObjectNode();
        input.putArray("tags").add(keyValue(DatasetInput.CONTEXT_TAG, in.context()));
        input.putObject("dataset")
                .put("name", in.name())
                .put("digest", in.digest())
                .put("source_type", in.sourceType())
                .put("source", in.source())
                .put("profile", in.profile());
        return input;
    }

    static DatasetInput input(JsonNode node) {
        JsonNode d = node.path("dataset");
        String context = "";
        for (JsonNode tag : node.path("tags")) {
            if (DatasetInput.CONTEXT_TAG.equals(tag.path("key").asText())) {
                context = tag.path("value").asText();
            }
        }
        return new DatasetInput(d.path("name").asText(), d.path("digest").asText(), d.path("source_type").asText(),
                d.path("source").asText(), d.path("profile").asText(), context);
    }

    static Map<String, String> pairs(JsonNode array) {
        Map<String, String> map = new LinkedHashMap<>();
        for (JsonNode kv : array) {
            map.put(kv.path("key").asText(), kv.path("value").asText(""));
        }
        return map;
    }

    static ObjectNode metricJson(Metric m) {
        ObjectNode node = MlflowHttp.JSON.createObjectNode().put("key", m.key());
        // NaN and infinities travel as the strings MLflow's protobuf JSON expects.
        if (Double.isFinite(m.value())) {
            node.put("value", m.value());
        } else {
            node.put("value", Double.isNaN(m.value()) ? "NaN" : m.value() > 0 ? "Infinity" : "-Infinity");
        }
        return node.put("timestamp", m.timestamp()).put("step", m.step());
    }

    static Metric metric(JsonNode m) {
        return new Metric(m.path("key").asText(), number(m.path("value")), m.path("timestamp").asLong(), m.path("step").asLong());
    }

    static double number(JsonNode v) {
        return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
    }

    static ObjectNode keyValue(String key, String value) {
        return MlflowHttp.JSON.createObjectNode().put("key", key).put("value", value);
    }
}
