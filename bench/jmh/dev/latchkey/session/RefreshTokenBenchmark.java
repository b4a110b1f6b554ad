package dev.latchkey.session;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The refresh-token work of a login and of every rotation ({@code SessionService}): a new token
 * ({@link RefreshTokens#generate}, 256 bits from SecureRandom), its SHA-256 ({@link RefreshTokens#hash},
 * also what a presented token costs before its lookup), and sealing the successor under a key
 * derived from the previous token ({@link RefreshTokens#seal}: HMAC-SHA256 then AES-256-GCM).
 * In this package because {@link RefreshTokens} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class RefreshTokenBenchmark {

    private String previous;
    private String successor;

    @Setup(Level.Trial)
    public void setUp() {
        previous = RefreshTokens.generate();
        successor = RefreshTokens.generate();
        if (!RefreshTokens.unseal(RefreshTokens.seal(successor, previous), previous).orElseThrow().equals(successor)) {
            throw new IllegalStateException("seal does not round-trip");
        }
    }

    @Benchmark
    public String generate() {
        return RefreshTokens.generate();
    }

    @Benchmark
    public String hash() {
        return RefreshTokens.hash(previous);
    }

    @Benchmark
    public String seal() {
        return RefreshTokens.seal(successor, previous);
    }
}
