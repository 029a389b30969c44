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

    /** The trials table at {@code output}, one record per row (see {@link #read(SparkSession, String, Class)}). */
    public static List<TrialRow> readTrials(SparkSession spark, String output) {
        return read(spark, output + "/" + TRIALS, TrialRow.class);
    }

    /** The epochs table at {@code output}. */
    public static List<EpochRow> readEpochs(SparkSession spark, String output) {
        return read(spark, output + "/" + EPOCHS, EpochRow.class);
    }

    /**
     * Rows of a table as records, matched by column name; a column the table lacks (one written
     * before the column existed) reads as NaN, 0, false, null or an empty array (a boxed number: null).
     */
    static <R extends Record> List<R> read(SparkSession spark, String path, Class<R> type) {
        RecordComponent[] cs = type.getRecordComponents();
        java.lang.reflect.Constructor<R> constructor;
        try {
            constructor = type.getDeclaredConstructor(java.util.Arrays.stream(cs).map(RecordComponent::getType).toArray(Class[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor for " + type, e);
        }
        List<R> out = new ArrayList<>();
        for (Row row : spark.read().parquet(path).collectAsList()) {
            Object[] values = new Object[cs.length];
            for (int i = 0; i < cs.length; i++) {
                scala.Option<Object> index = row.schema().getFieldIndex(column(cs[i].getName()));
                values[i] = value(row, index.isDefined() ? (Integer) index.get() : -1, cs[i].getType());
            }
            try {
                out.add(constructor.newInstance(values));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build a " + type.getSimpleName() + " from " + path, e);
            }
        }
        return out;
    }

    private static Object value(Row row, int i, Class<?> t) {
        boolean missing = i < 0 || row.isNullAt(i);
        if (t == String.class) {
            return missing ? null : row.getString(i);
        } else if (t == Integer.class) {
            return missing ? null : row.getInt(i);
        } else if (t == Long.class) {
            return missing ? null : row.getLong(i);
        } else if (t == Double.class) {
            return missing ? null : row.getDouble(i);
        } else if (t == int.class) {
            return missing ? 0 : row.getInt(i);
        } else if (t == long.class) {
            return missing ? 0L : row.getLong(i);
        } else if (t == double.class) {
            return missing ? Double.NaN : row.getDouble(i);
        } else if (t == boolean.class) {
            return !missing && row.getBoolean(i);
        } else if (t == double[].class) {
            if (missing) {
                return new double[0];
            }
            List<Object> list = row.getList(i);
            double[] a = new double[list.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = list.get(k) == null ? Double.NaN : ((Number) list.get(k)).doubleValue();
            }
            return a;
        }
        throw new IllegalArgumentException("no reader for " + t);
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
        } else if (t == int.class || t == Integer.class) {
            return DataTypes.IntegerType;
        } else if (t == long.class || t == Long.class) {
            return DataTypes.LongType;
        } else if (t == double.class || t == Double.class) {
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
