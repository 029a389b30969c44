package org.layerpipe.jobs.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One axis of a sweep's grid: a setting with its values ({@code axes:} in a sweep file), or a
 * zip group of settings whose values move together ({@code zip:}). A point is one value per key,
 * in key order; values are held as canonical setting text.
 *
 * @param keys   the settings this axis varies, at least one, each once
 * @param points the axis's values, at least one, no point twice
 */
public record Axis(List<String> keys, List<List<String>> points) {

    public Axis {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an axis needs at least one setting to vary");
        }
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("axis " + keys + " names a setting twice: list each setting once");
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("axis " + label(keys) + " has no values: list at least one");
        }
        List<List<String>> canonical = new ArrayList<>();
        for (List<String> point : points) {
            if (point.size() != keys.size()) {
                throw new IllegalArgumentException("axis " + label(keys) + " has a point with " + point.size()
                        + " values for " + keys.size() + " settings: give one value per setting");
            }
            List<String> values = new ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                values.add(SettingText.canonical(keys.get(k), point.get(k)));
            }
            canonical.add(List.copyOf(values));
        }
        points = List.copyOf(canonical);
        int repeat = firstRepeat(points);
        if (repeat >= 0) {
            throw new IllegalArgumentException("axis " + label(keys) + " lists " + text(points.get(repeat))
                    + " twice: drop one");
        }
    }

    /** An axis of one setting. */
    public static Axis of(String key, List<String> values) {
        return new Axis(List.of(key), values.stream().map(List::of).toList());
    }

    /** Number of points. */
    public int size() {
        return points.size();
    }

    /** Point {@code i} as {@code key → value}, in key order. */
    public Map<String, String> point(int i) {
        Map<String, String> point = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            point.put(keys.get(k), points.get(i).get(k));
        }
        return Collections.unmodifiableMap(point);
    }

    /** Index of the first point that repeats an earlier one, or -1. */
    static int firstRepeat(List<List<String>> points) {
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            if (!seen.add(points.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code 'lr'} for a one-setting axis, {@code (schedule, weights)} for a zip group. */
    static String label(List<String> keys) {
        return keys.size() == 1 ? "'" + keys.get(0) + "'" : "(" + String.join(", ", keys) + ")";
    }

    /** {@code 0.1} for one value, {@code (gpipe, 4)} for a zip point. */
    static String text(List<String> point) {
        return point.size() == 1 ? point.get(0) : "(" + String.join(", ", point) + ")";
    }
}
