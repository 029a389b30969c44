package org.layerpipe.jobs.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.layerpipe.core.train.TrialConfig;

/**
 * One point of a sweep's grid.
 *
 * @param index   position in the sweep's expansion order, from 0
 * @param trialId the config hash: the same settings give the same id in every run of the sweep
 * @param config  the full, validated trial settings
 * @param varied  the values the sweep's axes set for this trial, in axis order (canonical text)
 */
public record Trial(int index, String trialId, TrialConfig config, Map<String, String> varied) {

    public Trial {
        if (index < 0) {
            throw new IllegalArgumentException("trial index must be >= 0, got " + index);
        }
        if (config == null) {
            throw new IllegalArgumentException("trial " + index + " has no config");
        }
        if (trialId == null || !trialId.equals(config.configHash())) {
            throw new IllegalArgumentException("trial id '" + trialId + "' is not the config hash " + config.configHash()
                    + ": use config.configHash()");
        }
        varied = Collections.unmodifiableMap(new LinkedHashMap<>(varied));
    }
}
