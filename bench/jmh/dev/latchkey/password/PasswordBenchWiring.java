package dev.latchkey.password;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.metrics.Metrics;

import java.util.Map;

/** The password hasher and policy with the production defaults of every {@code latchkey.password.*} setting, for the JMH benchmarks (bench/jmh). */
public final class PasswordBenchWiring {

    private PasswordBenchWiring() {
    }

    /** @param algorithm "bcrypt" (the default) or "argon2id" */
    public static PasswordHasher hasher(String algorithm) {
        PasswordHasher hasher = new PasswordHasher();
        hasher.settings = PasswordSettings.from(SettingsSource.of(Map.of(PasswordSettings.ALGORITHM, algorithm)));
        hasher.metrics = Metrics.inMemory();
        hasher.init();
        return hasher;
    }

    /** The policy as the server runs it: both lists loaded, zxcvbn at the default minimum score. */
    public static PasswordPolicy policy() {
        return PasswordPolicy.create(PasswordSettings.defaults());
    }
}
