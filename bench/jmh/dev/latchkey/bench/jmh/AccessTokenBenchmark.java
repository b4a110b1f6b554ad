package dev.latchkey.bench.jmh;

import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenVerifier;
import dev.latchkey.token.IssuedAccessToken;
import dev.latchkey.token.TokenBeans;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.TokenSettings;
import dev.latchkey.token.VerifiedAccessToken;
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

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Signing and verifying one access token with the production classes, per signing algorithm.
 *
 * <ul>
 *   <li>{@code sign}: {@link AccessTokenIssuer#issue} exactly as login and refresh call it (claims
 *       built, random jti, signed with the active key, serialized);</li>
 *   <li>{@code verifyUncached}: {@link AccessTokenVerifier#verify} with
 *       {@code latchkey.token.verified-cache-size=0}: shape, canonical encoding, header allow-list,
 *       key lookup, signature and claims, every time;</li>
 *   <li>{@code verifyCached}: the default verifier (cache of 10,000) presented the same token over
 *       and over: SHA-256 of the token and a cache hit, the path of every request after a token's first.</li>
 * </ul>
 * The clocks are fixed: tokens are issued at {@link #ISSUED_AT} and verified a minute later, well
 * inside their 15-minute lifetime.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class AccessTokenBenchmark {

    static final Instant ISSUED_AT = Instant.parse("2026-01-01T12:00:00Z");
    static final String ISSUER = "https://auth.example.com";
    static final String AUDIENCE = "latchkey";

    @Param({"RS256", "ES256", "EdDSA"})
    public String alg;

    private AccessTokenIssuer issuer;
    private AccessTokenVerifier uncachedVerifier;
    private AccessTokenVerifier cachedVerifier;
    private final String subject = UUID.randomUUID().toString();
    private final String familyId = UUID.randomUUID().toString();
    private final List<String> groups = List.of("user");
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws TokenRejectedException {
        SigningKeys keys = SigningKeys.of(KeyMaterial.toManagedKey(KeyMaterial.generate(KeyMaterial.parseAlgorithm(alg))));
        Clock issuing = Clock.fixed(ISSUED_AT, ZoneOffset.UTC);
        Clock verifying = Clock.fixed(ISSUED_AT.plusSeconds(60), ZoneOffset.UTC);
        TokenSettings production = TokenBeans.settings(ISSUER, AUDIENCE, 10_000);
        TokenSettings noCache = TokenBeans.settings(ISSUER, AUDIENCE, 0);
        issuer = TokenBeans.issuer(keys, production, issuing);
        uncachedVerifier = TokenBeans.verifier(keys, noCache, verifying);
        cachedVerifier = TokenBeans.verifier(keys, production, verifying);
        token = issuer.issue(new AccessTokenClaims(subject, groups, List.of(), familyId, true, List.of("pwd"), ISSUED_AT, Optional.empty())).value();
        // Fail the run at once, rather than measure a refusal, if the fixture is wrong.
        for (AccessTokenVerifier verifier : new AccessTokenVerifier[] {uncachedVerifier, cachedVerifier}) {
            VerifiedAccessToken verified = verifier.verify(token);
            if (!verified.subject().equals(subject) || !verified.familyId().equals(familyId)) {
                throw new IllegalStateException("The benchmark token did not verify as issued");
            }
        }
    }

    @Benchmark
    public IssuedAccessToken sign() {
        return issuer.issue(new AccessTokenClaims(subject, groups, List.of(), familyId, true, List.of("pwd"), ISSUED_AT, Optional.empty()));
    }

    @Benchmark
    public VerifiedAccessToken verifyUncached() throws TokenRejectedException {
        return uncachedVerifier.verify(token);
    }

    @Benchmark
    public VerifiedAccessToken verifyCached() throws TokenRejectedException {
        return cachedVerifier.verify(token);
    }
}
