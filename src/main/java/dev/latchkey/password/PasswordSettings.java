package dev.latchkey.password;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Set;

/** How passwords are checked and hashed ({@code latchkey.password.*}), validated when the application starts. */
@ApplicationScoped
public class PasswordSettings extends Settings {

    public static final String ALGORITHM = "latchkey.password.algorithm";
    static final String BCRYPT = "bcrypt";
    static final String ARGON2ID = "argon2id";

    /** The lowest zxcvbn score (0 to 4) a new password may have; see {@link PasswordPolicy}. */
    public static final String MIN_STRENGTH = "latchkey.password.min-strength";

    /** OWASP Password Storage Cheat Sheet: argon2id with at least 19 MiB, 2 iterations, 1 lane. */
    static final int ARGON2_MIN_MEMORY_KIB = 19456;

    private String algorithm;
    private int bcryptCost;
    private int argon2MemoryKib;
    private int argon2Iterations;
    private int argon2Parallelism;
    private int maxConcurrentHashes;
    private Duration maxWait;
    private int minStrength;

    public static PasswordSettings from(SettingsSource source) {
        return load(new PasswordSettings(), source);
    }

    public static PasswordSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        algorithm = source.oneOf(ALGORITHM, BCRYPT, Set.of(BCRYPT, ARGON2ID));
        bcryptCost = source.smallNumber("latchkey.password.bcrypt.cost", 12, 10, 16);
        // OWASP's floor for argon2id: a weaker setting is refused rather than used quietly.
        argon2MemoryKib = source.smallNumber("latchkey.password.argon2.memory-kib", ARGON2_MIN_MEMORY_KIB,
                ARGON2_MIN_MEMORY_KIB, 4 * 1024 * 1024);
        argon2Iterations = source.smallNumber("latchkey.password.argon2.iterations", 2, 2, 100);
        argon2Parallelism = source.smallNumber("latchkey.password.argon2.parallelism", 1, 1, 16);
        maxConcurrentHashes = source.smallNumber("latchkey.password.max-concurrent-hashes", 0, 0, 1024);
        maxWait = Duration.ofMillis(source.number("latchkey.password.max-wait-millis", 1000, 0, 60_000));
        // zxcvbn's scale: 3 is "safely unguessable" (at least 10^8 guesses), 4 "very unguessable"
        // (10^10). 0 accepts every score, which turns the estimate off.
        minStrength = source.smallNumber(MIN_STRENGTH, 3, 0, 4);
    }

    public String algorithm() {
        return algorithm;
    }

    public boolean argon2id() {
        return ARGON2ID.equals(algorithm);
    }

    public int bcryptCost() {
        return bcryptCost;
    }

    public int argon2MemoryKib() {
        return argon2MemoryKib;
    }

    public int argon2Iterations() {
        return argon2Iterations;
    }

    public int argon2Parallelism() {
        return argon2Parallelism;
    }

    /** How many hashes may run at once: the configured number, or one per available core for 0. */
    public int maxConcurrentHashes() {
        return maxConcurrentHashes == 0 ? Runtime.getRuntime().availableProcessors() : maxConcurrentHashes;
    }

    public Duration maxWait() {
        return maxWait;
    }

    public int minStrength() {
        return minStrength;
    }
}
