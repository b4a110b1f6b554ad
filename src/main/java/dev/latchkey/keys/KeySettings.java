package dev.latchkey.keys;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where signing keys and development secrets come from ({@code latchkey.keys.*}), and how fast
 * every node and consumer sees a change to the key set.
 */
@ApplicationScoped
public class KeySettings extends Settings {

    /** The JWKS max-age is capped so that it stays well below {@link KeyAdministration#MIN_TIME_AS_NEXT}. */
    static final int MAX_MAX_AGE_SECONDS = 600;

    /** Likewise for the interval at which nodes re-read the key set. */
    static final int MAX_REFRESH_SECONDS = 120;

    public static final String DIRECTORY = "latchkey.keys.directory";
    public static final String KEK = "latchkey.keys.kek";
    public static final String KEK_FILE = "latchkey.keys.kek-file";
    public static final String REFRESH_SECONDS = "latchkey.keys.refresh-seconds";
    public static final String JWKS_MAX_AGE_SECONDS = "latchkey.keys.jwks-max-age-seconds";
    public static final String MAX_STALENESS_SECONDS = "latchkey.keys.max-staleness-seconds";
    /** A node must miss at least this many re-reads in a row before it counts as stale. */
    static final int MIN_MISSED_REFRESHES = 3;
    static final int MAX_MAX_STALENESS_SECONDS = 3600;

    /** The development key-encryption key's file name in {@link #developmentDirectory()}. */
    public static final String DEVELOPMENT_KEK = "dev-key-encryption-key";

    private Path directory;
    private Optional<String> kek;
    private Optional<String> kekFile;
    private Duration refreshInterval;
    private int jwksMaxAgeSeconds;
    private Duration maxStaleness;

    public static KeySettings from(SettingsSource source) {
        return load(new KeySettings(), source);
    }

    public static KeySettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        directory = Path.of(source.text(DIRECTORY, "./data/keys"));
        kek = source.optional(KEK);
        kekFile = source.optional(KEK_FILE);
        refreshInterval = source.seconds(REFRESH_SECONDS, 30, 1, MAX_REFRESH_SECONDS);
        jwksMaxAgeSeconds = source.smallNumber(JWKS_MAX_AGE_SECONDS, 300, 0, MAX_MAX_AGE_SECONDS);
        // A node whose re-reads keep failing keeps trusting keys revoked since; readiness turns
        // red once its key set is this old. The default follows a long refresh interval, so that
        // raising refresh-seconds alone never stops a deployment.
        long minimum = MIN_MISSED_REFRESHES * refreshInterval.toSeconds();
        maxStaleness = source.seconds(MAX_STALENESS_SECONDS, Math.max(300, minimum), 1, MAX_MAX_STALENESS_SECONDS);
        if (maxStaleness.toSeconds() < minimum) {
            throw new InvalidSettingException(MAX_STALENESS_SECONDS, "must be at least " + MIN_MISSED_REFRESHES
                    + " times " + REFRESH_SECONDS + " (" + minimum + "), or a node is unready after one slow re-read");
        }
    }

    /** Empty when neither {@code latchkey.keys.kek} nor {@code latchkey.keys.kek-file} is set: development mode. */
    public Optional<KeyEncryptionKey> configuredKeyEncryptionKey() {
        return KeyEncryptionKey.fromConfiguration(kek, kekFile);
    }

    /**
     * The configured KEK, or the development KEK generated in {@link #developmentDirectory()}:
     * what every node seals with (signing keys and sealed records alike).
     */
    public KeyEncryptionKey keyEncryptionKeyOrDevelopment() {
        return configuredKeyEncryptionKey().orElseGet(() -> KeyEncryptionKey.of(DevelopmentKeyStore.loadOrCreateSecret(
                directory, DEVELOPMENT_KEK, KeyEncryptionKey.KEY_BYTES)));
    }

    /**
     * The configured secret of a feature, or else its development secret {@code name}, generated in
     * {@link #developmentDirectory()} on first use: one fallback for every feature's HMAC secret, so a
     * node without configuration still starts and says loudly that it is using development material.
     */
    public byte[] configuredOrDevelopmentSecret(Optional<byte[]> configured, String name, int minBytes) {
        return configured.orElseGet(() -> DevelopmentKeyStore.loadOrCreateSecret(directory, name, minBytes));
    }

    /** Where development secrets (the development KEK, the CSRF secret) are generated and kept. */
    public Path developmentDirectory() {
        return directory;
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    /** How old a node's key set may get (its last successful re-read) before it is not ready. */
    public Duration maxStaleness() {
        return maxStaleness;
    }

    public int jwksMaxAgeSeconds() {
        return jwksMaxAgeSeconds;
    }
}
