package org.layerpipe.core.data;

import java.util.List;
import java.util.Locale;

/**
 * Which data a trial reads.
 *
 * @param name       {@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code cifar100} or {@code synthetic}
 * @param path       folder with the data set's files (any Hadoop path); empty = the data set's default
 * @param trainLimit use only the first N training examples (0 = all)
 * @param testLimit  use only the first N test examples (0 = all)
 * @param augment    random crop with padding 4 and horizontal flip (CIFAR recipe)
 */
public record DataConfig(String name, String path, int trainLimit, int testLimit, boolean augment) {

    public static final List<String> NAMES = List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "synthetic");

    public DataConfig {
        name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown data set '" + name + "': use one of " + String.join(", ", NAMES));
        }
        path = path == null ? "" : path.trim();
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("data limits must be >= 0 (0 = all), got train " + trainLimit + ", test " + testLimit);
        }
    }
}
