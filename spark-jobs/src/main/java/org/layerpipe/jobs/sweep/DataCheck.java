package org.layerpipe.jobs.sweep;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.layerpipe.core.data.DataConfig;
import org.layerpipe.core.data.DataException;
import org.layerpipe.core.data.DataSets;

/**
 * Checks, for {@code validate}, that the data files a sweep's trials read from this machine's
 * disk are there: {@code data.path} written as a plain path or a {@code file:} URI, and the data
 * sets' default locations. Other file systems ({@code hdfs:}, {@code s3a:}, ...) are left to the
 * trials: they are often reachable only from the cluster.
 */
final class DataCheck {

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

    private DataCheck() {
    }

    /** @throws SweepException at the line that sets the data, naming the missing file or folder */
    static void requireLocalData(SweepSpec spec, List<Trial> trials) {
        Set<DataConfig> checked = new HashSet<>();
        for (Trial t : trials) {
            DataConfig data = t.config().data();
            // a planned trial reads no data: its input shape comes from the data set's name
            if (t.config().plan().enabled() || !isLocal(data.path()) || !checked.add(data)) {
                continue;
            }
            try {
                DataSets.requireLocalFiles(data);
            } catch (DataException e) {
                throw new SweepLines(spec).error(line(spec, t), e.getMessage());
            }
        }
    }

    /** A plain path or a {@code file:} URI; empty is the data set's default location, which is local. */
    static boolean isLocal(String path) {
        return path.isEmpty() || path.startsWith("file:") || !SCHEME.matcher(path).matches();
    }

    /** Where the trial's data.path (or else its data) was written. */
    private static int line(SweepSpec spec, Trial trial) {
        SweepLines lines = new SweepLines(spec);
        for (String key : List.of("data.path", "data")) {
            String value = trial.varied().get(key);
            if (value != null) {
                for (Axis axis : spec.axes()) {
                    int k = axis.keys().indexOf(key);
                    for (int i = 0; k >= 0 && i < axis.size(); i++) {
                        if (axis.points().get(i).get(k).equals(value)) {
                            return lines.axisValue(key, i);
                        }
                    }
                }
            }
            if (spec.base().containsKey(key)) {
                return lines.base(key);
            }
        }
        return lines.top();
    }
}
