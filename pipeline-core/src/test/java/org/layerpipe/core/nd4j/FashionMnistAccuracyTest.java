package org.layerpipe.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;
import org.layerpipe.core.train.TrialResult;
import org.layerpipe.core.train.TrialStatus;

/**
 * The small CNN on real Fashion-MNIST (2000 training images, 1000 test), 3 stages, 2 epochs:
 * pipelined training with STASH and EMA reaches accuracy well above chance (10%) and close
 * to SEQUENTIAL. Measured here (seed 3): sequential 0.769, stash 0.747, ema 0.740 — asserted
 * as at least 0.65 each and within 0.06 of sequential.
 */
class FashionMnistAccuracyTest {

    private static final double FLOOR = 0.65;
    private static final double MARGIN = 0.06;

    @Test
    void stashAndEmaTrainAsWellAsSequential() {
        TrialConfig base = TrialConfig.defaults().with(Map.of("model", "cnn", "data", "fashion-mnist",
                "data.train_limit", "2000", "data.test_limit", "1000", "partition", "[4,4,4]", "batch_size", "32",
                "epochs", "2", "lr", "0.05", "momentum", "0.9", "seed", "3"));
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (String[] mode : new String[][] {{"sequential", "stash"}, {"layerpipe2", "stash"}, {"layerpipe2", "ema"}}) {
            TrialResult r = Nd4jBackend.trainer().train(base.with(Map.of("schedule", mode[0], "weights", mode[1])), TrainingListener.NONE);
            assertEquals(TrialStatus.FINISHED, r.status(), r.message());
            accuracy.put(mode[0] + "/" + mode[1], r.last().testAccuracy());
        }
        System.out.println("Fashion-MNIST CNN, 3 stages, test accuracy after 2 epochs: " + accuracy);
        double sequential = accuracy.get("sequential/stash");
        for (Map.Entry<String, Double> e : accuracy.entrySet()) {
            assertTrue(e.getValue() >= FLOOR, e.getKey() + " reached only " + e.getValue());
            assertTrue(e.getValue() >= sequential - MARGIN, e.getKey() + " " + e.getValue() + " vs sequential " + sequential);
        }
    }
}
