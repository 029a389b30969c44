package org.layerpipe.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowSettingsTest {

    @Test
    void settingsRejectWhatTheClientCannotUse() {
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class, () -> MlflowSettings.of("file:///tmp/mlruns"));
        assertTrue(file.getMessage().startsWith("MLflow tracking URI 'file:///tmp/mlruns' is not supported"), file.getMessage());
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class, () -> MlflowSettings.fromEnvironment(Map.of()));
        assertTrue(unset.getMessage().startsWith("MLFLOW_TRACKING_URI is not set"), unset.getMessage());
        assertEquals("http://h:5000/prefix", MlflowSettings.of("http://h:5000/prefix/").uriText());
    }

    @Test
    void settingsTravelToExecutorsBySerialization() throws Exception {
        MlflowSettings settings = MlflowSettings.of("http://127.0.0.1:5000")
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(20))
                .withRetry(RetryPolicy.DEFAULT.withMaxElapsed(Duration.ofSeconds(45)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(settings, in.readObject());
        }
    }
}
