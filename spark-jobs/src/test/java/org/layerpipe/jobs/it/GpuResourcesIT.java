package org.layerpipe.jobs.it;

import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.jobs.run.RunNaming;
import org.layerpipe.jobs.tracking.MlflowRestTracker;
import org.layerpipe.jobs.tracking.RunInfo;
import org.layerpipe.jobs.tracking.RunStatus;

/**
 * Spark's GPU scheduling reaches the trials: on the standalone cluster whose workers advertise
 * fake GPUs (bin/lib/spark-cluster.sh: worker i has ids 2i and 2i+1), each trial asks for one
 * GPU, and its run records the id Spark assigned to its task (TaskContext resources) in tag
 * {@code layerpipe.gpus}; trials that ran at the same time hold different ids.
 *
 * <p>There is no GPU behind the ids: training stays on ND4J's CPU backend (tag
 * {@code layerpipe.device} = cpu:...), where binding a device id is a no-op
 * ({@code BasicAffinityManager.unsafeSetDevice} does nothing). What is tested is the plumbing
 * from Spark's resource scheduler to the trainer, not CUDA.
 */
class GpuResourcesIT {

    private static final String SWEEP = """
            name: ${name}
            experiment: layerpipe-it
            base:
              model: mlp
              model.hidden: "16"
              data: synthetic
              data.train_limit: 1024
              data.test_limit: 128
              batch_size: 32
              epochs: 2
              partition: "[2,2]"
            axes:
              weights: [stash, ema]
              lr: [0.05, 0.02]
            """;
    private static final Pattern ONE_ID = Pattern.compile("\\[(\\d+)]");

    @TempDir
    Path dir;

    /** When a trial held its GPU: from its task's start to the run's end. */
    private record Held(String runId, int gpu, long from, long to) {
        boolean overlaps(Held o) {
            return from < o.to && o.from < to;
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // several spark-submits; the 3-minute default is for unit tests
    void eachTrialGetsItsOwnGpuFromSparksResourceScheduling() throws Exception {
        String uri = ItEnvironment.trackingUri();
        MlflowRestTracker mlflow = ItEnvironment.mlflow(uri);
        ItSweep sweep = ItSweep.write(dir, "it-gpu", SWEEP);
        // One core per worker, hence one task per executor: each executor's task gets one of its two GPUs.
        SparkSubmit.Result result = new SparkSubmit(ItEnvironment.masterUrl())
                .conf("spark.executor.cores", "1").conf("spark.task.cpus", "1")
                .conf("spark.executor.resource.gpu.amount", "2").conf("spark.task.resource.gpu.amount", "1")
                .job(sweep.file.toString(), "--output", dir.resolve("out").toString(), "--tracking-uri", uri,
                        "--journal", dir.resolve("journal").toString(), "--concurrent-trials", "2")
                .run("gpu", Duration.ofMinutes(4));
        assertEquals(0, result.exitCode(), () -> "spark-submit failed (" + result.log() + "):\n" + result.tail());

        Map<String, List<RunInfo>> runs = sweep.trialRuns(mlflow);
        assertEquals(sweep.trials.size(), runs.size());
        List<Held> held = new ArrayList<>();
        for (List<RunInfo> forTrial : runs.values()) {
            assertEquals(1, forTrial.size());
            RunInfo run = forTrial.get(0);
            assertEquals(RunStatus.FINISHED, run.status(), run.tags().toString());
            String gpus = run.tags().get(RunNaming.TAG_GPUS);
            Matcher m = ONE_ID.matcher(String.valueOf(gpus));
            assertTrue(m.matches(), "one GPU id in tag layerpipe.gpus, got " + gpus);
            int id = Integer.parseInt(m.group(1));
            assertTrue(id >= 0 && id < 4, "an id the workers advertise (0-3), got " + id);
            assertTrue(run.tags().get(RunNaming.TAG_DEVICE).startsWith("cpu:"), "trains on the CPU: " + run.tags());
            held.add(new Held(run.runId(), id, Long.parseLong(run.tags().get(RunNaming.TAG_TASK_START)), endTime(uri, run.runId())));
        }
        int overlapping = 0;
        for (int i = 0; i < held.size(); i++) {
            for (int j = i + 1; j < held.size(); j++) {
                Held a = held.get(i);
                Held b = held.get(j);
                if (a.overlaps(b)) {
                    overlapping++;
                    assertNotEquals(a.gpu(), b.gpu(), "runs " + a + " and " + b + " ran at the same time on one GPU");
                }
            }
        }
        assertTrue(overlapping > 0, "two executors ran trials at the same time: " + held);
    }

    private static long endTime(String uri, String runId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(uri + "/api/2.0/mlflow/runs/get?run_id=" + runId)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).path("run").path("info").path("end_time").asLong();
    }
}
