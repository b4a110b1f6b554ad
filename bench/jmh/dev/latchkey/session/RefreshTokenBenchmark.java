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

import dev.latchkey.crypto.RandomTokens;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The refresh-token work of a login and of every rotation ({@code SessionService}): a new token
 * ({@link RefreshTokens#mint}: family, generation and 256 bits from SecureRandom, under an
 * HMAC-SHA256), reading a presented one ({@link RefreshTokens#identify}: the HMAC checked in constant
 * time), its SHA-256 ({@link RefreshTokens#hash}), and sealing the successor under a key derived
 * from the previous token ({@link RefreshTokens#seal}: HMAC-SHA256 then AES-256-GCM).
 * In this package because {@link RefreshTokens} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class RefreshTokenBenchmark {

    private final String familyId = UUID.randomUUID().toString();
    private RefreshTokens tokens;
    private String previous;
    private String successor;

    @Setup(Level.Trial)
    public void setUp() {
        tokens = RefreshTokens.with(SessionSettings.defaults(), RandomTokens.bytes(32));
        previous = tokens.mint(familyId, 1);
        successor = tokens.mint(familyId, 2);
        if (!RefreshTokens.unseal(RefreshTokens.seal(successor, previous), previous).orElseThrow().equals(successor)
                || tokens.identify(successor).orElseThrow().generation() != 2) {
            throw new IllegalStateException("the fixture does not round-trip");
        }
    }

    @Benchmark
    public String mint() {
        return tokens.mint(familyId, 3);
    }

    @Benchmark
    public Optional<RefreshTokens.Identity> identify() {
        return tokens.identify(successor);
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
