package dev.latchkey.config;

import dev.latchkey.crypto.Base64Values;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Where a {@code *Settings} class reads its raw values from, and the one set of rules for turning
 * them into checked values. In the server the source is MicroProfile Config; the key tool reads
 * system properties and the environment the same way; tests and benchmarks pass a map (or
 * nothing, for the defaults).
 *
 * <p>Every getter validates: a value that does not parse, or lies outside its range, throws
 * {@link InvalidSettingException} naming the key and the allowed values, so a bad configuration
 * stops the deployment instead of being clamped or ignored. Messages quote a rejected value only
 * for numbers and enumerations, never for free text, which might be a secret.
 */
public final class SettingsSource {

    private final Function<String, Optional<String>> lookup;
    private final Set<String> keysRead = Collections.synchronizedSet(new TreeSet<>());

    private SettingsSource(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public static SettingsSource of(Config config) {
        return new SettingsSource(key -> config.getOptionalValue(key, String.class));
    }

    public static SettingsSource of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new SettingsSource(key -> Optional.ofNullable(copy.get(key)));
    }

    /** Nothing configured: every setting takes its default. */
    public static SettingsSource defaults() {
        return of(Map.of());
    }

    /**
     * MicroProfile Config's lookup order in miniature, for programs that run outside the server
     * (the key tool): a system property, then the environment variable of the same name
     * ({@code LATCHKEY_KEYS_KEK} for {@code latchkey.keys.kek}).
     */
    public static SettingsSource systemAndEnvironment() {
        return new SettingsSource(key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")))));
    }

    /** Every key a settings class asked for through this source (the configuration-table test reads it). */
    public Set<String> keysRead() {
        return Set.copyOf(keysRead);
    }

    /** The value, or empty when unset or blank (MicroProfile Config treats an empty value as none). */
    public Optional<String> optional(String key) {
        keysRead.add(key);
        return lookup.apply(key).map(String::strip).filter(value -> !value.isEmpty());
    }

    public String text(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public boolean flag(String key, boolean defaultValue) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSettingException(key, "must be true or false");
        };
    }

    public long number(String key, long defaultValue, long min, long max) {
        long value = optional(key).map(raw -> parse(key, raw, min, max)).orElse(defaultValue);
        if (value < min || value > max) {
            throw new InvalidSettingException(key, "must be between " + min + " and " + max + " (was " + value + ")");
        }
        return value;
    }

    public int smallNumber(String key, int defaultValue, int min, int max) {
        return (int) number(key, defaultValue, min, max);
    }

    public Duration seconds(String key, long defaultSeconds, long minSeconds, long maxSeconds) {
        return Duration.ofSeconds(number(key, defaultSeconds, minSeconds, maxSeconds));
    }

    /**
     * An operator's secret, when one is configured: base64 in either alphabet, padded or not, and
     * at least {@code minBytes} once decoded.
     *
     * @see #decodeSecret
     */
    public Optional<byte[]> secret(String key, int minBytes, String howToMakeOne) {
        return optional(key).map(text -> decodeSecret(key, text, minBytes, howToMakeOne));
    }

    /**
     * The one check of a configured secret, for a value read from the key or from a file it
     * names. A short secret stops the start rather than weakening what it keys. Neither message
     * quotes the secret, nor the decoder's complaint about it.
     *
     * @param howToMakeOne appended to the message, so that the operator knows what to do
     */
    public static byte[] decodeSecret(String key, String text, int minBytes, String howToMakeOne) {
        byte[] decoded = Base64Values.lenient(text)
                .orElseThrow(() -> new InvalidSettingException(key, "must be base64: " + howToMakeOne));
        if (decoded.length < minBytes) {
            throw new InvalidSettingException(key, "must be at least " + minBytes * 8 + " bits: " + howToMakeOne);
        }
        return decoded;
    }

    /** One of a fixed set of words, compared as written (the set is the documentation). */
    public String oneOf(String key, String defaultValue, Set<String> allowed) {
        String value = text(key, defaultValue);
        if (!allowed.contains(value)) {
            throw new InvalidSettingException(key, "must be one of " + new TreeSet<>(allowed) + " (was " + value + ")");
        }
        return value;
    }

    private static long parse(String key, String raw, long min, long max) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "must be a whole number between " + min + " and " + max);
        }
    }
}
