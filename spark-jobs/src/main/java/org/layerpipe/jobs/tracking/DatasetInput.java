package org.layerpipe.jobs.tracking;

/**
 * A data set a run used, as MLflow's {@code runs/log-inputs} records it (the UI's Dataset column).
 *
 * @param name       e.g. {@code fashion-mnist-train}
 * @param digest     short content digest (MLflow allows 36 characters)
 * @param sourceType where it comes from: {@code local}, {@code hdfs}, {@code s3}, {@code code} (generated)
 * @param source     JSON naming the location, e.g. {@code {"uri": "/usr/share/datasets/fashion-mnist"}}
 * @param profile    JSON summary, e.g. {@code {"num_rows": 60000}}
 * @param context    {@code training} or {@code test} (input tag {@code mlflow.data.context})
 */
public record DatasetInput(String name, String digest, String sourceType, String source, String profile, String context) {

    /** MLflow's input tag saying what the run used the data set for. */
    public static final String CONTEXT_TAG = "mlflow.data.context";

    public DatasetInput {
        for (String[] field : new String[][] {{"name", name}, {"digest", digest}, {"sourceType", sourceType}, {"source", source},
                {"profile", profile}, {"context", context}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new IllegalArgumentException("dataset input needs a non-empty " + field[0] + ", got "
                        + (field[1] == null ? "null" : "'" + field[1] + "'"));
            }
        }
        if (digest.length() > 36) {
            throw new IllegalArgumentException("dataset digest '" + digest + "' is longer than MLflow's 36 characters");
        }
    }
}
