package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsAndIsCappedWithJitter() {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofMinutes(2));
        for (int i = 0; i < 100; i++) {
            long first = p.backoff(1).toMillis();
            long fourth = p.backoff(4).toMillis();
            long tenth = p.backoff(10).toMillis();
            assertTrue(first >= 50 && first <= 100, "first " + first);
            assertTrue(fourth >= 400 && fourth <= 800, "fourth " + fourth);
            assertTrue(tenth >= 400 && tenth <= 800, "capped " + tenth);
        }
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    }
}
