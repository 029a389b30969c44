package org.layerpipe.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON writer for the benchmark's figures: maps (keys in their iteration order),
 * lists, strings, numbers, booleans and {@code null}. A number that JSON cannot hold (NaN,
 * infinite: "not measured") is written as {@code null}, so the file always parses. Small
 * enough not to need a JSON library on the benchmark's class path.
 */
public final class BenchJson {

    private BenchJson() {
    }

    /** {@code value} as JSON text, two-space indented, ending with a newline. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 0);
        return sb.append('\n').toString();
    }

    private static void write(Object value, StringBuilder sb, int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String s) {
            string(s, sb);
        } else if (value instanceof Boolean b) {
            sb.append(b);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // Double.toString gives the shortest text that reads back the same double, in a form JSON accepts
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            sb.append(((Number) value).longValue());
        } else if (value instanceof Map<?, ?> map) {
            container(map.entrySet(), '{', '}', sb, depth, (e, out) -> {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                string(key, out);
                out.append(": ");
                write(e.getValue(), out, depth + 1);
            });
        } else if (value instanceof List<?> list) {
            container(list, '[', ']', sb, depth, (v, out) -> write(v, out, depth + 1));
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: use a map, list, string, number, boolean or null");
        }
    }

    private interface Element<E> {
        void write(E element, StringBuilder out);
    }

    private static <E> void container(Iterable<E> elements, char open, char close, StringBuilder sb, int depth, Element<E> element) {
        sb.append(open);
        boolean first = true;
        for (E e : elements) {
            sb.append(first ? "\n" : ",\n").append("  ".repeat(depth + 1));
            element.write(e, sb);
            first = false;
        }
        if (!first) {
            sb.append('\n').append("  ".repeat(depth));
        }
        sb.append(close);
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
