package dev.latchkey.keys;

import com.nimbusds.jose.jwk.JWKSet;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key ring: the key that signs new access tokens and every key a token may be verified with,
 * looked up by {@code kid}.
 */
@ApplicationScoped
public class SigningKeys {

    @Inject
    @ConfigProperty(name = "latchkey.token.algorithm", defaultValue = "RS256")
    String algorithm;

    @Inject
    @ConfigProperty(name = "latchkey.keys.directory", defaultValue = "./data/keys")
    String directory;

    private ManagedKey active;
    private Map<String, ManagedKey> verificationKeys;
    private JWKSet publicJwkSet;

    @PostConstruct
    void load() {
        use(DevelopmentKeyStore.loadOrCreate(Path.of(directory), KeyMaterial.parseAlgorithm(algorithm)));
    }

    /** A key ring over the given keys, outside any container (for tools and unit tests). */
    public static SigningKeys of(ManagedKey active) {
        SigningKeys keys = new SigningKeys();
        keys.use(active);
        return keys;
    }

    private void use(ManagedKey activeKey) {
        active = activeKey;
        verificationKeys = Map.of(active.kid(), active);
        publicJwkSet = new JWKSet(List.copyOf(verificationKeys.values().stream().map(ManagedKey::publicJwk).toList()));
    }

    public ManagedKey activeSigningKey() {
        return active;
    }

    public Optional<ManagedKey> verificationKey(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(verificationKeys.get(kid));
    }

    /** Public halves only: {@link JWKSet#toJSONObject()} defaults to omitting private parameters. */
    public JWKSet publicJwkSet() {
        return publicJwkSet;
    }
}
