package dev.latchkey.password;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.HashingFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
    PasswordSettings settings;

    @Inject
    Metrics metrics;

    HashingLimit limit;
    private HashingFunction configured;
    private String dummyHash;

    @PostConstruct
    void init() {
        limit = new HashingLimit(settings.maxConcurrentHashes(), settings.maxWait());
        registerMeters(limit);
        configured = settings.argon2id()
                ? Argon2Function.getInstance(settings.argon2MemoryKib(), settings.argon2Iterations(),
                        settings.argon2Parallelism(), 32, Argon2.ID)
                : BcryptFunction.getInstance(Bcrypt.B, settings.bcryptCost());
        // A hash of a random password with the configured parameters: checking an unknown
        // account's login against it costs exactly what checking a real account costs.
        dummyHash = hash(RandomTokens.base64Url(24));
    }

    private void registerMeters(HashingLimit hashing) {
        Gauge.builder("latchkey.password.hashing.active", hashing, HashingLimit::inUse)
                .description("Password hashes and checks running now").register(metrics.registry());
        Gauge.builder("latchkey.password.hashing.queued", hashing, HashingLimit::queued)
                .description("Password hashes and checks waiting for a slot").register(metrics.registry());
        Gauge.builder("latchkey.password.hashing.limit", hashing, HashingLimit::maxConcurrent)
                .description("Password hashes allowed to run at once").register(metrics.registry());
        FunctionCounter.builder("latchkey.password.hashing.rejected", hashing, HashingLimit::rejected)
                .description("Requests refused with 503 because no hashing slot freed up in time").register(metrics.registry());
    }

    /**
     * Created at boot, not at the first login: the dummy hash above is then ready, and a bad
     * setting stops the deployment instead of the first request.
     */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /** @throws dev.latchkey.problem.ProblemException 503 when the server is saturated with hashing (see {@link HashingLimit}) */
    public String hash(String password) {
        return limit.run(() -> configured.hash(input(configured, password)).getResult());
    }

    /** @throws dev.latchkey.problem.ProblemException 503 when the server is saturated with hashing (see {@link HashingLimit}) */
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
        return Base64.getEncoder().encodeToString(Hmac.sha256(BCRYPT_PREHASH_KEY, normalizedPassword.getBytes(StandardCharsets.UTF_8)));
    }
}
