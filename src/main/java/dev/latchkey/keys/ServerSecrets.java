package dev.latchkey.keys;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * Symmetric server secrets other than signing keys: today the key that signs CSRF tokens.
 *
 * <p>Every node of a cluster must share it, so in production it comes from the environment
 * ({@code LATCHKEY_CSRF_SECRET}, base64, at least 256 bits). Without it a development secret is
 * generated next to the development signing key, with the same loud warning; a configured secret
 * that is too short stops the deployment rather than weakening every CSRF token.
 */
@ApplicationScoped
public class ServerSecrets {

    static final int MIN_SECRET_BYTES = 32;

    @Inject
    @ConfigProperty(name = "latchkey.csrf.secret")
    Optional<String> csrfSecret;

    @Inject
    @ConfigProperty(name = "latchkey.keys.directory", defaultValue = "./data/keys")
    String directory;

    private byte[] csrfKey;

    @PostConstruct
    void load() {
        csrfKey = csrfSecret.filter(s -> !s.isBlank())
                .map(ServerSecrets::decode)
                .orElseGet(() -> DevelopmentKeyStore.loadOrCreateSecret(Path.of(directory), "dev-csrf-secret", MIN_SECRET_BYTES));
    }

    public byte[] csrfKey() {
        return csrfKey.clone();
    }

    private static byte[] decode(String configured) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(configured.strip());
        } catch (IllegalArgumentException notStandard) {
            decoded = Base64.getUrlDecoder().decode(configured.strip());
        }
        if (decoded.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("latchkey.csrf.secret must be at least " + MIN_SECRET_BYTES * 8 + " bits");
        }
        return decoded;
    }
}
