package dev.latchkey.bench.jmh;

import dev.latchkey.password.PasswordBenchWiring;
import dev.latchkey.password.PasswordHasher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * One password hash ({@code hash}: registration and password change) and one check ({@code verify}:
 * every login) with {@link PasswordHasher} at the production defaults: bcrypt cost 12 over the
 * HMAC-SHA256 pre-hash, or argon2id with 19,456 KiB, 2 iterations, 1 lane. Each includes
 * normalization and the pass through the hashing limit (uncontended here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class PasswordHashBenchmark {

    private static final String PASSWORD = "correct horse battery staple";

    @Param({"bcrypt", "argon2id"})
    public String algorithm;

    private PasswordHasher hasher;
    private String stored;

    @Setup(Level.Trial)
    public void setUp() {
        hasher = PasswordBenchWiring.hasher(algorithm);
        stored = hasher.hash(PASSWORD);
        if (hasher.verify(PASSWORD, stored) != PasswordHasher.Outcome.MATCH) {
            throw new IllegalStateException("The stored hash does not verify");
        }
    }

    @Benchmark
    public String hash() {
        return hasher.hash(PASSWORD);
    }

    @Benchmark
    public PasswordHasher.Outcome verify() {
        return hasher.verify(PASSWORD, stored);
    }
}
