package org.layerpipe.jobs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs every {@code %spark.sql} paragraph of every note against a sweep's results folder, the way
 * Zeppelin would with the {@code results} form set to that folder and every other form at its
 * default, and checks what the paragraph's saved chart needs: at least one row, every charted
 * column present at the index the chart reads, and a number in every value column of some row.
 * Use it on any results folder: the tables a test writes, or a real sweep's output.
 */
public final class NoteSqlHarness {

    private NoteSqlHarness() {
    }

    /** One dynamic test per SQL paragraph of the repository's notes, named {@code <note> › <title>}. */
    public static Stream<DynamicTest> paragraphTests(SparkSession spark, String resultsFolder) {
        return ZeppelinNote.readAll(ZeppelinNote.folder()).stream()
                .flatMap(note -> note.paragraphs().stream())
                .filter(ZeppelinNote.Paragraph::isSql)
                .map(p -> DynamicTest.dynamicTest(p.label(), () -> check(spark, p, resultsFolder)));
    }

    /** Runs one paragraph and checks its result against its chart settings. */
    public static void check(SparkSession spark, ZeppelinNote.Paragraph paragraph, String resultsFolder) {
        String sql = DynamicForms.fill(paragraph.body(), Map.of("results", resultsFolder)).strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        Dataset<Row> result;
        List<Row> rows;
        try {
            result = spark.sql(sql);
            rows = result.collectAsList();
        } catch (RuntimeException e) {
            fail(paragraph.label() + ": the query failed: " + e.getMessage() + "\n" + sql, e);
            return;
        }
        List<String> columns = Arrays.asList(result.columns());
        assertFalse(rows.isEmpty(), paragraph.label() + ": no rows\n" + sql);
        List<Integer> valueColumns = new ArrayList<>();
        for (ZeppelinNote.ChartColumn c : paragraph.chartColumns()) {
            assertTrue(columns.contains(c.name()), paragraph.label() + ": chart " + c.role() + " column '" + c.name()
                    + "' is not in the result " + columns);
            assertEquals(columns.indexOf(c.name()), c.index(), paragraph.label() + ": chart " + c.role() + " column '"
                    + c.name() + "' is saved with index " + c.index() + " but is column " + columns.indexOf(c.name())
                    + " of " + columns);
            if (c.role().equals("values") || c.role().equals("scatterChart.yAxis")) {
                valueColumns.add(c.index());
            }
        }
        assertTrue(rows.stream().anyMatch(row -> valueColumns.stream().allMatch(i -> isNumber(row.get(i)))),
                paragraph.label() + ": no row has a number in every charted value column " + valueColumns.stream()
                        .map(columns::get).toList() + ": " + rows);
    }

    private static boolean isNumber(Object v) {
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue());
    }
}
