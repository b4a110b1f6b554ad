package dev.latchkey.password;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.HashingFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import dev.latchkey.token.RandomTokens;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Hashes and checks passwords with password4j: bcrypt (cost 12) by default, argon2id by choice.
 *
 * <p>bcrypt reads only the first 72 bytes of its input, which would silently truncate long
 * passphrases (a 128-character password may be 512 bytes of UTF-8). Latchkey therefore feeds
 * bcrypt a fixed-length pre-hash: base64(HMAC-SHA256(domain key, password)). The HMAC key is a
 * public domain-separation constant, not a secret: it makes the pre-hash differ from a plain
 * SHA-256 of the password, so leaked unsalted SHA-256 lists cannot be "shucked" against our
 * bcrypt hashes. argon2id has no length limit and hashes the normalized password directly.
 *
 * <p>Every hash and every check runs inside one {@link HashingLimit}, so hashing can never take more
 * than the configured number of cores, whoever calls it.
 */
@ApplicationScoped
public class PasswordHasher {

    public enum Outcome { MISMATCH, MATCH, MATCH_NEEDS_REHASH }

    private static final byte[] BCRYPT_PREHASH_KEY = "latchkey/bcrypt-prehash/v1".getBytes(StandardCharsets.US_ASCII);

    @Inject
    @ConfigProperty(name = "latchkey.password.algorithm", defaultValue = "bcrypt")
    String algorithm;

    @Inject
    @ConfigProperty(name = "latchkey.password.bcrypt.cost", defaultValue = "12")
    int bcryptCost;

    /** OWASP Password Storage Cheat Sheet: argon2id with 19 MiB, 2 iterations, 1 lane. */
    @Inject
    @ConfigProperty(name = "latchkey.password.argon2.memory-kib", defaultValue = "19456")
    int argon2MemoryKib;

    @Inject
    @ConfigProperty(name = "latchkey.password.argon2.iterations", defaultValue = "2")
    int argon2Iterations;

    @Inject
    @ConfigProperty(name = "latchkey.password.argon2.parallelism", defaultValue = "1")
    int argon2Parallelism;

    /** 0 means one per available core. */
    @Inject
    @ConfigProperty(name = "latchkey.password.max-concurrent-hashes", defaultValue = "0")
    int maxConcurrentHashes;

    @Inject
    @ConfigProperty(name = "latchkey.password.max-wait-millis", defaultValue = "1000")
    long maxWaitMillis;

    HashingLimit limit;
    private HashingFunction configured;
    private String dummyHash;

    @PostConstruct
    void init() {
        if (maxConcurrentHashes < 0 || maxWaitMillis < 0) {
            throw new IllegalStateException("latchkey.password.max-concurrent-hashes and max-wait-millis must not be negative");
        }
        limit = new HashingLimit(maxConcurrentHashes == 0 ? Runtime.getRuntime().availableProcessors() : maxConcurrentHashes,
                Duration.ofMillis(maxWaitMillis));
        configured = switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "bcrypt" -> {
                if (bcryptCost < 10 || bcryptCost > 16) {
                    throw new IllegalStateException("latchkey.password.bcrypt.cost must be between 10 and 16");
                }
                yield BcryptFunction.getInstance(Bcrypt.B, bcryptCost);
            }
            case "argon2id" -> {
                // OWASP's floor for argon2id; a weaker setting is refused rather than used quietly.
                if (argon2MemoryKib < 19456 || argon2Iterations < 2 || argon2Parallelism < 1 || argon2Parallelism > 16) {
                    throw new IllegalStateException("argon2id needs memory-kib >= 19456, iterations >= 2, parallelism 1 to 16");
                }
                yield Argon2Function.getInstance(argon2MemoryKib, argon2Iterations, argon2Parallelism, 32, Argon2.ID);
            }
            default -> throw new IllegalStateException("latchkey.password.algorithm must be bcrypt or argon2id");
        };
        // A hash of a random password with the configured parameters: checking an unknown
        // account's login against it costs exactly what checking a real account costs.
        dummyHash = hash(RandomTokens.base64Url(24));
    }

    /** @throws dev.latchkey.web.ProblemException 503 when the server is saturated with hashing (see {@link HashingLimit}) */
    public String hash(String password) {
        return limit.run(() -> configured.hash(input(configured, password)).getResult());
    }

    /** @throws dev.latchkey.web.ProblemException 503 when the server is saturated with hashing (see {@link HashingLimit}) */
    public Outcome verify(String password, String storedHash) {
        HashingFunction function = functionOf(storedHash);
        if (function == null) {
            return Outcome.MISMATCH;
        }
        boolean matches = limit.run(() -> function.check(input(function, password), storedHash));
        if (!matches) {
            return Outcome.MISMATCH;
        }
        return function.equals(configured) ? Outcome.MATCH : Outcome.MATCH_NEEDS_REHASH;
    }

    /** Spends the time of one real check, for requests that have no account to check against. */
    public void verifyAgainstDummy(String password) {
        verify(password, dummyHash);
    }

    private static HashingFunction functionOf(String storedHash) {
        try {
            if (storedHash.startsWith("$2")) {
                return BcryptFunction.getInstanceFromHash(storedHash);
            }
            if (storedHash.startsWith("$argon2id$")) {
                return Argon2Function.getInstanceFromHash(storedHash);
            }
        } catch (RuntimeException malformed) {
            return null;
        }
        return null;
    }

    private static String input(HashingFunction function, String password) {
        String normalized = Passwords.normalize(password);
        return function instanceof BcryptFunction ? bcryptPrehash(normalized) : normalized;
    }

    private static String bcryptPrehash(String normalizedPassword) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(BCRYPT_PREHASH_KEY, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(normalizedPassword.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
