package org.layerpipe.core.train;

import org.layerpipe.core.data.Dataset;

/**
 * One side of the data a trial used, as trackers record it (MLflow dataset inputs).
 *
 * @param name     the data set, e.g. {@code fashion-mnist}
 * @param split    {@code train} or {@code test}
 * @param location where it was read: the {@code data.path}, the default folder, or {@code generated}
 * @param digest   {@link Dataset#digest()}: of the examples as read, limits applied
 * @param rows     number of examples
 * @param shape    one example, e.g. {@code 1x28x28}
 * @param classes  number of classes
 */
public record DataSummary(String name, String split, String location, String digest, int rows, String shape, int classes) {

    /** The summary of {@code data}, read from {@code location}. */
    public static DataSummary of(Dataset data, String split, String location) {
        return new DataSummary(data.name(), split, location, data.digest(), data.size(),
                data.shape().channels() + "x" + data.shape().height() + "x" + data.shape().width(), data.numClasses());
    }
}
