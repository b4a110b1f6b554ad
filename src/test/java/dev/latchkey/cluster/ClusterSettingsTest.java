package dev.latchkey.cluster;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster secret is required, strong and never quoted; the clock bound has its default. */
class ClusterSettingsTest {

    private static final byte[] SECRET = new byte[32];

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) (i * 7 + 3);
        }
    }

    private static ClusterSettings with(Map<String, String> values) {
        return ClusterSettings.from(SettingsSource.of(values));
    }

    private static Map<String, String> enabled(String key, String value) {
        Map<String, String> values = new HashMap<>(Map.of(ClusterSettings.ENABLED, "true"));
        values.put(key, value);
        return values;
    }

    @Test
    void aSingleNodeNeedsNoSecret() {
        ClusterSettings settings = ClusterSettings.defaults();
        assertFalse(settings.enabled());
        assertTrue(settings.secret().isEmpty());
        assertEquals(Duration.ofSeconds(5), settings.maxClockOffset());
    }

    @Test
    void aClusteredNodeWithoutASecretRefusesToStartAndSaysHowToMakeOne() {
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> with(Map.of(ClusterSettings.ENABLED, "true")));
        assertTrue(refused.getMessage().startsWith(ClusterSettings.SECRET), refused.getMessage());
        assertTrue(refused.getMessage().contains("openssl rand -base64 32"), refused.getMessage());
    }

    @Test
    void aShortSecretIsRefusedWithoutBeingQuoted() {
        String tooShort = Base64.getEncoder().encodeToString(new byte[31]);
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> with(enabled(ClusterSettings.SECRET, tooShort)));
        assertTrue(refused.getMessage().contains("256 bits"), refused.getMessage());
        assertFalse(refused.getMessage().contains(tooShort), refused.getMessage());
        InvalidSettingException notBase64 = assertThrows(InvalidSettingException.class,
                () -> with(enabled(ClusterSettings.SECRET, "not base64 at all!")));
        assertFalse(notBase64.getMessage().contains("not base64 at all!"), notBase64.getMessage());
    }

    @Test
    void theSecretComesFromTheValueOrFromAFileButNotBoth(@TempDir Path directory) throws Exception {
        String base64 = Base64.getEncoder().encodeToString(SECRET);
        assertArrayEquals(SECRET, with(enabled(ClusterSettings.SECRET, base64)).secret().orElseThrow());

        Path file = directory.resolve("cluster-secret");
        Files.writeString(file, base64 + "\n");
        assertArrayEquals(SECRET, with(enabled(ClusterSettings.SECRET_FILE, file.toString())).secret().orElseThrow());

        Map<String, String> both = enabled(ClusterSettings.SECRET, base64);
        both.put(ClusterSettings.SECRET_FILE, file.toString());
        assertThrows(InvalidSettingException.class, () -> with(both));

        InvalidSettingException missing = assertThrows(InvalidSettingException.class,
                () -> with(enabled(ClusterSettings.SECRET_FILE, directory.resolve("absent").toString())));
        assertTrue(missing.getMessage().startsWith(ClusterSettings.SECRET_FILE), missing.getMessage());
    }

    @Test
    void theClockBoundIsChecked() {
        assertEquals(Duration.ofSeconds(2), with(Map.of(ClusterSettings.MAX_CLOCK_OFFSET, "2")).maxClockOffset());
        assertThrows(InvalidSettingException.class, () -> with(Map.of(ClusterSettings.MAX_CLOCK_OFFSET, "0")));
    }
}
