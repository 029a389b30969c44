package org.layerpipe.jobs.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;

/** A planned and a trained trial's rows in the trials table: the predicted columns, typed and null where they do not apply. */
class ResultTablesTest {

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[1]").appName("ResultTablesTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static TrialRow row(TrialConfig config, TrialStatus status, String partition, PlanFigures figures, int index) {
        TrialResult result = new TrialResult(status, "", List.of(), partition,
                new Provenance(config.configHash(), config.seed(), config.toParams(), Map.of("host", "h")));
        return ResultRows.trial(new ResultRows.Context("s", "sweep-1", index, "run-" + index, "name-" + index), config, result, figures);
    }

    @Test
    void plannedRowsCarryTheirPredictionsAndTrainedRowsNullsThroughParquet(@TempDir Path dir) {
        TrialConfig planned = TrialConfig.fromParams(Map.of("plan", "true", "model", "resnet18", "data", "cifar100",
                "partition", "balanced:4", "schedule", "layerpipe2", "batch_size", "128", "plan.link_gbps", "25"));
        Prediction p = TrialPlanner.plan(planned, () -> null);
        PlanFigures figures = PlanFigures.of(p);
        TrialConfig trained = TrialConfig.fromParams(Map.of("model", "mlp", "data", "synthetic"));
        String out = dir.resolve("results").toString();
        ResultTables.write(spark, List.of(row(planned, TrialStatus.PLANNED, p.partition().toString(), figures, 0),
                row(trained, TrialStatus.FAILED, "balanced:2", null, 1)),
                List.of(), out);

        StructType schema = spark.read().parquet(out + "/trials").schema();
        assertEquals(DataTypes.BooleanType, schema.apply("planned").dataType());
        assertEquals(DataTypes.DoubleType, schema.apply("predicted_samples_per_second").dataType());
        assertEquals(DataTypes.LongType, schema.apply("predicted_history_bytes_stash").dataType());
        assertEquals(DataTypes.IntegerType, schema.apply("devices").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, true), schema.apply("predicted_device_activation_bytes").dataType());
        assertEquals(ResultTables.trialSchema(), schema);

        List<TrialRow> rows = ResultTables.readTrials(spark, out);
        TrialRow a = rows.stream().filter(r -> r.trialIndex() == 0).findFirst().orElseThrow();
        assertTrue(a.planned());
        assertEquals("PLANNED", a.status());
        assertEquals(4, a.devices());
        assertEquals(p.partition().toString(), a.partitionResolved());
        assertEquals(4, a.numStages());
        assertEquals(p.secondsPerMinibatch(), a.predictedSecondsPerMinibatch());
        assertEquals(p.samplesPerSecond(), a.predictedSamplesPerSecond());
        assertEquals(p.bubble(), a.predictedBubble());
        assertEquals(p.simulation().criticalPath().size(), a.predictedCriticalPathEvents());
        assertEquals(figures.historyBytesStash(), a.predictedHistoryBytesStash());
        assertEquals(figures.peakActivationBytes(), a.predictedPeakActivationBytes());
        assertArrayEquals(new double[] {6, 4, 2, 0}, a.predictedStageStaleness());
        assertArrayEquals(figures.deviceActivationBytes(), a.predictedDeviceActivationBytes());
        assertArrayEquals(figures.stageHistoryBytesEma(), a.predictedStageHistoryBytesEma());
        assertEquals("estimated", a.planCosts());
        assertEquals(25.0, a.planLinkGbps());
        assertEquals(10.0, a.planDeviceTflops());

        TrialRow b = rows.stream().filter(r -> r.trialIndex() == 1).findFirst().orElseThrow();
        assertFalse(b.planned());
        assertNull(b.planCosts());
        assertNull(b.devices());
        assertNull(b.predictedSamplesPerSecond());
        assertNull(b.predictedHistoryBytesStash());
        assertEquals(0, b.predictedDeviceBusy().length);
        Row nulls = spark.sql("SELECT count(predicted_bubble), count(predicted_stage_staleness), count(plan_link_gbps) FROM parquet.`"
                + out + "/trials` WHERE NOT planned").first();
        assertEquals(List.of(0L, 0L, 0L), List.of(nulls.get(0), nulls.get(1), nulls.get(2)), "a trained trial's plan columns are null");
    }

    @Test
    void aTableWrittenBeforeThePlanColumnsReadsThemAsNull(@TempDir Path dir) {
        String out = dir.resolve("old").toString();
        spark.sql("SELECT 'x' AS sweep_name, 3 AS trial_index, 'FINISHED' AS status").write().parquet(out + "/trials");
        TrialRow old = ResultTables.readTrials(spark, out).get(0);
        assertEquals(3, old.trialIndex());
        assertFalse(old.planned());
        assertNull(old.predictedSecondsPerMinibatch());
        assertNull(old.devices());
    }
}
