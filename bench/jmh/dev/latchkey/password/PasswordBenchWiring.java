package dev.latchkey.password;

/** The password hasher with the production defaults of every {@code latchkey.password.*} setting, for the JMH benchmarks (bench/jmh). */
public final class PasswordBenchWiring {

    private PasswordBenchWiring() {
    }

    /** @param algorithm "bcrypt" (the default) or "argon2id" */
    public static PasswordHasher hasher(String algorithm) {
        PasswordHasher hasher = new PasswordHasher();
        hasher.algorithm = algorithm;
        hasher.bcryptCost = 12;
        hasher.argon2MemoryKib = 19456;
        hasher.argon2Iterations = 2;
        hasher.argon2Parallelism = 1;
        hasher.maxConcurrentHashes = 0;
        hasher.maxWaitMillis = 1000;
        hasher.init();
        return hasher;
    }
}
