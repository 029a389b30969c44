package org.layerpipe.jobs.results;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The analysis copy of a sweep's results, as Parquet under an output folder (any Hadoop path):
 * {@code <out>/trials} (one row per trial) and {@code <out>/epochs} (one row per trial and
 * epoch). The schema is derived from {@link TrialRow} and {@link EpochRow}, column names in
 * snake_case; the Zeppelin notes and {@code ExportRuns} rely on it.
 */
public final class ResultTables {

    public static final String TRIALS = "trials";
    public static final String EPOCHS = "epochs";

    private ResultTables() {
    }

    public static StructType trialSchema() {
        return schema(TrialRow.class);
    }

    public static StructType epochSchema() {
        return schema(EpochRow.class);
    }

    /** Writes both tables, replacing earlier ones at {@code output}. */
    public static void write(SparkSession spark, List<TrialRow> trials, List<EpochRow> epochs, String output) {
        trialFrame(spark, trials).coalesce(1).write().mode(SaveMode.Overwrite).parquet(output + "/" + TRIALS);
        epochFrame(spark, epochs).coalesce(1).write().mode(SaveMode.Overwrite).parquet(output + "/" + EPOCHS);
    }

    public static Dataset<Row> trialFrame(SparkSession spark, List<TrialRow> trials) {
        return spark.createDataFrame(rows(trials), trialSchema());
    }

    public static Dataset<Row> epochFrame(SparkSession spark, List<EpochRow> epochs) {
        return spark.createDataFrame(rows(epochs), epochSchema());
    }

    /** {@code trialIndex} → {@code trial_index}. */
    static String column(String component) {
        StringBuilder sb = new StringBuilder();
        for (char c : component.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static StructType schema(Class<? extends Record> type) {
        List<StructField> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            fields.add(DataTypes.createStructField(column(c.getName()), sparkType(c.getType()), true));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType sparkType(Class<?> t) {
        if (t == String.class) {
            return DataTypes.StringType;
        } else if (t == int.class) {
            return DataTypes.IntegerType;
        } else if (t == long.class) {
            return DataTypes.LongType;
        } else if (t == double.class) {
            return DataTypes.DoubleType;
        } else if (t == boolean.class) {
            return DataTypes.BooleanType;
        } else if (t == double[].class) {
            return DataTypes.createArrayType(DataTypes.DoubleType, true);
        }
        throw new IllegalArgumentException("no Spark type for " + t);
    }

    private static <R extends Record> List<Row> rows(List<R> records) {
        List<Row> rows = new ArrayList<>();
        for (R r : records) {
            RecordComponent[] cs = r.getClass().getRecordComponents();
            Object[] values = new Object[cs.length];
            for (int i = 0; i < cs.length; i++) {
                try {
                    Object v = cs[i].getAccessor().invoke(r);
                    values[i] = v instanceof double[] a ? toList(a) : v;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + cs[i].getName(), e);
                }
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    private static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double d : a) {
            l.add(d);
        }
        return l;
    }
}
