package dev.latchkey.keys;

import com.nimbusds.jose.JWSAlgorithm;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where signing keys come from, and how fast every node and consumer sees a change. */
@ApplicationScoped
public class KeySettings {

    /** The JWKS max-age is capped so that it stays well below {@link KeyAdministration#MIN_TIME_AS_NEXT}. */
    static final int MAX_MAX_AGE_SECONDS = 600;

    /** Likewise for the interval at which nodes re-read the key set. */
    static final int MAX_REFRESH_SECONDS = 120;

    static final String HS256 = "HS256";

    @Inject
    @ConfigProperty(name = "latchkey.token.algorithm", defaultValue = "RS256")
    String algorithm;

    @Inject
    @ConfigProperty(name = "latchkey.keys.directory", defaultValue = "./data/keys")
    String directory;

    @Inject
    @ConfigProperty(name = "latchkey.keys.kek")
    Optional<String> kek;

    @Inject
    @ConfigProperty(name = "latchkey.keys.kek-file")
    Optional<String> kekFile;

    @Inject
    @ConfigProperty(name = "latchkey.keys.refresh-seconds", defaultValue = "30")
    int refreshSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.keys.jwks-max-age-seconds", defaultValue = "300")
    int jwksMaxAgeSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.token.hs256-secret")
    Optional<String> hs256Secret;

    @PostConstruct
    void validate() {
        if (refreshSeconds < 1 || refreshSeconds > MAX_REFRESH_SECONDS) {
            throw new IllegalStateException("latchkey.keys.refresh-seconds must be between 1 and " + MAX_REFRESH_SECONDS);
        }
        if (jwksMaxAgeSeconds < 0 || jwksMaxAgeSeconds > MAX_MAX_AGE_SECONDS) {
            throw new IllegalStateException("latchkey.keys.jwks-max-age-seconds must be between 0 and " + MAX_MAX_AGE_SECONDS);
        }
        if (!hmacMode()) {
            KeyMaterial.parseAlgorithm(algorithm);
        }
    }

    /** HS256 is a mode of its own, only ever on when asked for by name. */
    public boolean hmacMode() {
        return HS256.equals(algorithm.strip());
    }

    /** The algorithm of the key generated for an empty development key set. */
    JWSAlgorithm developmentAlgorithm() {
        return KeyMaterial.parseAlgorithm(algorithm.strip());
    }

    Optional<KeyEncryptionKey> configuredKeyEncryptionKey() {
        return KeyEncryptionKey.fromConfiguration(kek, kekFile);
    }

    Optional<String> hs256Secret() {
        return hs256Secret.filter(secret -> !secret.isBlank());
    }

    Path directory() {
        return Path.of(directory);
    }

    public Duration refreshInterval() {
        return Duration.ofSeconds(refreshSeconds);
    }

    public int jwksMaxAgeSeconds() {
        return jwksMaxAgeSeconds;
    }
}
