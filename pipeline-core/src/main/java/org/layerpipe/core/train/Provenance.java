package org.layerpipe.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a trial's numbers come from: the config and its hash, the seed, the code (git
 * commit, versions) and the machine (backend, device, host). Logged with every trial.
 */
public record Provenance(String configHash, long seed, Map<String, String> config, Map<String, String> environment) {

    public Provenance {
        config = Map.copyOf(config);
        environment = Map.copyOf(environment);
    }

    /** Flat form for tags and JSON: config under {@code config.*}, the rest as is. */
    public Map<String, String> flat() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config_hash", configHash);
        m.put("seed", String.valueOf(seed));
        new java.util.TreeMap<>(environment).forEach(m::put);
        new java.util.TreeMap<>(config).forEach((k, v) -> m.put("config." + k, v));
        return m;
    }

    /** A small JSON object, stable key order. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        var entries = flat().entrySet().iterator();
        while (entries.hasNext()) {
            var e = entries.next();
            sb.append("  \"").append(escape(e.getKey())).append("\": \"").append(escape(e.getValue())).append('"');
            sb.append(entries.hasNext() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
