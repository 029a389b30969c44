package org.layerpipe.jobs.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

import org.layerpipe.core.train.TrialConfig;

/**
 * The canonical text of one trial setting, checked on its own: {@code lr 0.10 → 0.1},
 * {@code partition "[2, 2,1]" → [2,2,1]}, {@code weights EMA → ema}. Sweep values are compared
 * and shown in this form, so {@code 0.1} and {@code 0.10} are the same value everywhere.
 */
final class SettingText {

    private SettingText() {
    }

    /**
     * @throws IllegalArgumentException with {@link TrialConfig}'s message (naming the setting) when the key is
     *                                  unknown or the value is bad in itself
     */
    static String canonical(String key, String text) {
        Map<String, String> probe = new LinkedHashMap<>();
        // TrialConfig ties microbatches to the schedule (> 1 needs gpipe) and to batch_size (must divide
        // it). Whether those hold depends on the other values of a trial, so microbatches is probed
        // where both hold; combinations are checked per trial when the grid is expanded.
        if (key.equals("microbatches")) {
            probe.put("schedule", "gpipe");
            probe.put("batch_size", text);
        }
        // interleaved-1f1b is a schedule of planned trials only: whether a trial is planned is checked with its other values
        if (key.equals("schedule")) {
            probe.put("plan", "true");
        }
        probe.put(key, text);
        return TrialConfig.fromParams(probe).toParams().get(key);
    }

    /** Canonical text of every setting of {@code params}, in their order. */
    static Map<String, String> canonical(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((key, value) -> out.put(key, canonical(key, value)));
        return out;
    }
}
