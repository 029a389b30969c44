package org.layerpipe.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SettingTest {

    private static Optional<String> nearest(String name) {
        return Setting.nearest(name).map(Setting::key);
    }

    @Test
    void anUnknownKeyNamesTheNearestKnownOne() {
        assertEquals("unknown setting 'learning_rate': did you mean 'lr'?",
                assertThrows(IllegalArgumentException.class, () -> Setting.of("learning_rate")).getMessage());
        assertEquals(Optional.of("lr"), nearest("learning-rate"));
        assertEquals(Optional.of("lr"), nearest("lrr"));
        assertEquals(Optional.of("momentum"), nearest("momentun"));
        assertEquals(Optional.of("seed"), nearest("seeds"));
        assertEquals(Optional.of("weights"), nearest("weight"));
        assertEquals(Optional.of("batch_size"), nearest("batch-size"));
        assertEquals(Optional.of("batch_size"), nearest("batchsize"));
        assertEquals(Optional.of("data.path"), nearest("data_path"));
        assertEquals(Optional.of("ema.beta"), nearest("beta"));
        assertEquals(Optional.of("data.train_limit"), nearest("train_limit"));
        assertEquals(Optional.of("model.hidden"), nearest("model.hiden"));
        assertEquals(Optional.of("epochs"), nearest("epoch"));
        assertEquals(Optional.of("weight_decay"), nearest("Weight-Decay"));
    }

    @Test
    void farFromEveryKeyListsThemAll() {
        assertEquals(Optional.empty(), nearest("colour"));
        assertEquals(Optional.empty(), nearest("x"));
        assertEquals(Optional.empty(), nearest(""));
        String message = assertThrows(IllegalArgumentException.class, () -> Setting.of("colour")).getMessage();
        assertEquals("unknown setting 'colour': known settings are " + String.join(", ", Setting.ALL.stream().map(Setting::key).toList()),
                message);
    }

    @Test
    void editDistanceCountsSwapsOnce() {
        assertEquals(0, Setting.distance("lr", "lr"));
        assertEquals(1, Setting.distance("lr", "rl"));
        assertEquals(1, Setting.distance("seed", "seeds"));
        assertEquals(2, Setting.distance("momentum", "momnetun"));
        assertEquals(3, Setting.distance("", "abc"));
    }
}
