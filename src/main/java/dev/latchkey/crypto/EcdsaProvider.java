package dev.latchkey.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

import java.security.Provider;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JCA provider that ES256 signs and verifies with: the Amazon Corretto Crypto Provider (ACCP,
 * a JCA front for AWS-LC, the BoringSSL-derived native library) when it loads on this platform
 * and passes its own self-tests, and otherwise the JDK's provider.
 *
 * <p>Why: on JDK 17 the JDK's ECDSA is pure Java and costs about 0.7 ms to sign and 1.2 ms to
 * verify a P-256 signature on the benchmark machine; ACCP does the same in about 0.04 and 0.07 ms
 * (docs/benchmarks.md). Every refresh signs an access token, so with ES256 keys this is most of a
 * refresh's CPU. Only ECDSA is moved: for RSA the gain is nil, and the JDK's Ed25519 stays as it
 * is (Ed25519Keys). The keys themselves are unchanged JDK key objects; only the arithmetic moves.
 *
 * <p>Failing over is safe in both directions: the two providers compute the same standard
 * algorithm, so a token signed by one verifies with the other, across nodes and restarts. A node
 * where the native library cannot load (another platform, a second copy loaded by a redeployed
 * application's class loader, a failed self-test) says so once and uses the JDK.
 */
final class EcdsaProvider {

    private static final Logger LOG = Logger.getLogger(EcdsaProvider.class.getName());

    private static final Optional<Provider> NATIVE = load();

    private EcdsaProvider() {
    }

    /** @return ACCP when it is usable here; empty means the JDK's default provider */
    static Optional<Provider> get() {
        return NATIVE;
    }

    private static Optional<Provider> load() {
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            if (provider.getLoadingError() != null) {
                LOG.info(() -> "ES256 uses the JDK's ECDSA: the native provider is unavailable on this platform ("
                        + provider.getLoadingError().getClass().getSimpleName() + ")");
                return Optional.empty();
            }
            provider.assertHealthy();
            LOG.info(() -> "ES256 uses " + provider.getName() + " " + provider.getVersionStr() + " (AWS-LC)");
            return Optional.of(provider);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "ES256 uses the JDK's ECDSA: the native provider failed to start ({0})",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
