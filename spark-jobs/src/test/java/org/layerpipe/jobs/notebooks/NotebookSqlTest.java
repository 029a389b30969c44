package org.layerpipe.jobs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.nd4j.Nd4jBackend;
import org.layerpipe.core.plan.Prediction;
import org.layerpipe.core.train.Provenance;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialPlanner;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;
import org.layerpipe.jobs.results.EpochRow;
import org.layerpipe.jobs.results.PlanFigures;
import org.layerpipe.jobs.results.ResultRows;
import org.layerpipe.jobs.results.ResultTables;
import org.layerpipe.jobs.results.TrialRow;
import org.layerpipe.jobs.sweep.SweepExpander;
import org.layerpipe.jobs.sweep.SweepParser;
import org.layerpipe.jobs.sweep.SweepSpec;
import org.layerpipe.jobs.sweep.Trial;

/**
 * The notes' SQL on real results: the quickstart sweep's grid (SEQUENTIAL, then LayerPipe2 with
 * LATEST, STASH and EMA, shadowed) trained for real at a tiny size on synthetic data, written as
 * the sweep's Parquet tables, then every {@code %spark.sql} paragraph run against them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookSqlTest {

    /** Shrinks the quickstart to seconds: same axes and partition, synthetic data, a tiny MLP. */
    private static final Map<String, String> TINY = Map.of("data", "synthetic", "model.hidden", "32,16",
            "data.train_limit", "512", "data.test_limit", "256", "batch_size", "32", "epochs", "2");

    /** Planned trials at the sizes the planned-configuration paragraphs' forms default to (4 devices, a 100 Gbit/s link). */
    private static final String PLANS = """
            name: plans
            base: {plan: true, model: resnet18, data: cifar100, batch_size: 128, plan.link_gbps: 100}
            axes:
              partition: [balanced:2, balanced:4]
            zip:
              - schedule:     [layerpipe2, 1f1b, gpipe, gpipe, 1f1b-flush, zb-h1, interleaved-1f1b]
                microbatches: [1,          1,    4,     8,     4,          4,     8]
            """;

    private SparkSession spark;
    private String results;
    private List<TrialRow> trials;

    @BeforeAll
    void trainTheQuickstartTinyAndWriteItsTables(@TempDir Path dir) {
        SweepSpec quickstart = SweepParser.read(RepoFolder.find("experiments").resolve("quickstart.yaml"));
        Map<String, String> base = new LinkedHashMap<>(quickstart.base());
        base.putAll(TINY);
        SweepSpec tiny = new SweepSpec(quickstart.name(), quickstart.experiment(), base, quickstart.axes(),
                quickstart.excludes(), quickstart.maxTrials(), "", "quickstart.yaml, shrunk by NotebookSqlTest");
        trials = new ArrayList<>();
        List<EpochRow> epochs = new ArrayList<>();
        for (Trial t : SweepExpander.expand(tiny)) {
            TrialResult r = Nd4jBackend.trainer().train(t.config(), TrainingListener.NONE);
            assertEquals(TrialStatus.FINISHED, r.status(), SweepExpander.runName(t) + ": " + r.message());
            ResultRows.Context ctx = new ResultRows.Context(tiny.name(), "notebook-sql-test", t.index(), "run-" + t.index(),
                    SweepExpander.runName(t));
            trials.add(ResultRows.trial(ctx, t.config(), r));
            epochs.addAll(ResultRows.epochs(ctx, t.config(), r));
        }
        // planned trials beside the trained ones, as a sweep with plan: true trials writes them: the "Pipeline cost"
        // note's planned-configuration paragraphs read them, and every other paragraph must leave them out
        List<TrialRow> written = new ArrayList<>(trials);
        for (Trial t : SweepExpander.expand(SweepParser.parse("plans.yaml", PLANS))) {
            Prediction p = TrialPlanner.plan(t.config(), () -> null);
            ResultRows.Context ctx = new ResultRows.Context("plans", "notebook-sql-plans", t.index(), "plan-run-" + t.index(),
                    SweepExpander.runName(t));
            TrialResult r = new TrialResult(TrialStatus.PLANNED, "", List.of(), p.partition().toString(),
                    new Provenance(t.trialId(), t.config().seed(), t.config().toParams(), Map.of()));
            written.add(ResultRows.trial(ctx, t.config(), r, PlanFigures.of(p)));
        }
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("NotebookSqlTest")
                .config("spark.ui.enabled", "false")
                // Tiny tables: one shuffle partition, no adaptive re-planning or code generation to pay for.
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.sql.codegen.wholeStage", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        results = dir.resolve("results").toString();
        ResultTables.write(spark, written, epochs, results);
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void theTablesHaveTheQuickstartsShape() {
        assertEquals(Set.of("sequential stash", "layerpipe2 latest", "layerpipe2 stash", "layerpipe2 ema-pa"),
                Set.copyOf(trials.stream().map(t -> t.schedule() + " " + t.weightsLabel()).toList()));
        List<Row> counts = spark.sql("SELECT count(*), count(DISTINCT trial_id), max(epoch) FROM parquet.`" + results + "/epochs`")
                .collectAsList();
        assertEquals(List.of(8L, 4L, 2), List.of(counts.get(0).get(0), counts.get(0).get(1), counts.get(0).get(2)));
        // With ema.shadow on, the EMA trial measures its reconstruction error at stage 0 (delay 2).
        Set<String> measured = new TreeSet<>(spark.sql("SELECT DISTINCT weights_label FROM parquet.`" + results + "/epochs`"
                + " WHERE NOT isnan(stage_reconstruction_error[0])").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(true, measured.contains("ema-pa"), "stages with a measured reconstruction error: " + measured);
    }

    @Test
    void plannedRowsHoldTheirPredictionsAndTrainedRowsNone() {
        List<Row> planned = spark.sql("SELECT count(*), count(predicted_samples_per_second), min(size(predicted_device_activation_bytes)),"
                + " count(DISTINCT schedule) FROM parquet.`" + results + "/trials` WHERE planned AND status = 'PLANNED'").collectAsList();
        assertEquals(List.of(14L, 14L, 2, 6L), List.of(planned.get(0).get(0), planned.get(0).get(1), planned.get(0).get(2),
                planned.get(0).get(3)));
        List<Row> trained = spark.sql("SELECT count(*), count(predicted_samples_per_second), count(plan_costs), count(devices)"
                + " FROM parquet.`" + results + "/trials` WHERE NOT planned").collectAsList();
        assertEquals(List.of(4L, 0L, 0L, 0L), List.of(trained.get(0).get(0), trained.get(0).get(1), trained.get(0).get(2),
                trained.get(0).get(3)));
    }

    @TestFactory
    Stream<DynamicTest> everySqlParagraphAnswersWithItsChartsColumns() {
        return NoteSqlHarness.paragraphTests(spark, results);
    }
}
