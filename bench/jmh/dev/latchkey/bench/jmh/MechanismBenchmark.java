package dev.latchkey.bench.jmh;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterBenchWiring;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.revocation.RevocationBenchWiring;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.security.SecurityBenchWiring;
import dev.latchkey.security.TokenAuthenticationMechanism;
import dev.latchkey.security.TokenPrincipal;
import dev.latchkey.security.TrustedAccessTokens;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.TokenBeans;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.TokenSettings;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
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
import org.openjdk.jmh.annotations.TearDown;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What an authenticated bearer request pays in the authentication mechanism:
 * {@link TokenAuthenticationMechanism#validateRequest} on a protected resource, i.e. reading the
 * {@code Authorization: Bearer} header ({@code PresentedCredentials.from}), then
 * {@link TrustedAccessTokens#check}: the verifier (cache on or off) and the four revocation-list
 * lookups ({@code jti:}, {@code sid:}, {@code sub:}, {@code kid:}) in the real Infinispan local
 * cache started from the bundled infinispan-local.xml and loaded with {@link #revocations} entries
 * that do not match.
 *
 * <p>Left out: the servlet request and the message context are JDK proxies answering only what the
 * mechanism asks (the header; "protected"); {@code notifyContainerAboutLogin} returns SUCCESS
 * without Soteria/Payara setting up the caller. Those stubs add some tens of nanoseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class MechanismBenchmark {

    @Param({"RS256", "ES256"})
    public String alg;

    /** The verifier's cache of verified tokens: on (production default, 10,000) or off (size 0). */
    @Param({"on", "off"})
    public String cache;

    @Param({"100000"})
    public int revocations;

    private CacheContainer container;
    private TokenAuthenticationMechanism mechanism;
    private HttpServletRequest request;
    private HttpMessageContext context;

    @Setup(Level.Trial)
    public void setUp() throws TokenRejectedException {
        SigningKeys keys = SigningKeys.of(KeyMaterial.toManagedKey(KeyMaterial.generate(KeyMaterial.parseAlgorithm(alg))));
        Clock issuing = Clock.fixed(AccessTokenBenchmark.ISSUED_AT, ZoneOffset.UTC);
        Clock now = Clock.fixed(AccessTokenBenchmark.ISSUED_AT.plusSeconds(60), ZoneOffset.UTC);
        TokenSettings settings = TokenBeans.settings(AccessTokenBenchmark.ISSUER, AccessTokenBenchmark.AUDIENCE,
                switch (cache) {
                    case "on" -> 10_000;
                    case "off" -> 0;
                    default -> throw new IllegalArgumentException("cache must be on or off");
                });
        AccessTokenIssuer issuer = TokenBeans.issuer(keys, settings, issuing);

        container = ClusterBenchWiring.startLocal();
        RevocationList revocationList = RevocationBenchWiring.list(container, settings, now);
        RevocationBenchWiring.loadNonMatching(revocationList, revocations);
        if (RevocationBenchWiring.cacheSize(revocationList) != revocations) {
            throw new IllegalStateException("The revocation cache holds " + RevocationBenchWiring.cacheSize(revocationList));
        }
        TrustedAccessTokens trusted = SecurityBenchWiring.trustedAccessTokens(
                TokenBeans.verifier(keys, settings, now), revocationList);
        mechanism = SecurityBenchWiring.bearerMechanism(trusted);
        context = protectedResourceContext();

        String subject = UUID.randomUUID().toString();
        String token = issuer.issue(new AccessTokenClaims(subject, List.of("user"), List.of(), UUID.randomUUID().toString(), true, List.of("pwd"), Instant.EPOCH, Optional.empty())).value();
        request = requestWithAuthorization("Bearer " + token);

        // The fixture must authenticate, and a revoked session must really be refused.
        if (authenticate() != AuthenticationStatus.SUCCESS || !subject.equals(lastCaller.getName())) {
            throw new IllegalStateException("The benchmark token was not accepted");
        }
        String revokedFamily = UUID.randomUUID().toString();
        String revoked = issuer.issue(new AccessTokenClaims(subject, List.of("user"), List.of(), revokedFamily, true, List.of("pwd"), Instant.EPOCH, Optional.empty())).value();
        RevocationBenchWiring.revokeSessionInCache(revocationList, revokedFamily);
        try {
            trusted.check(revoked);
            throw new IllegalStateException("A token of a revoked session was accepted");
        } catch (TokenRejectedException expected) {
            // as it should be
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ClusterBenchWiring.stop(container);
    }

    @Benchmark
    public AuthenticationStatus authenticate() {
        return mechanism.validateRequest(request, null, context);
    }

    private Principal lastCaller;

    private HttpMessageContext protectedResourceContext() {
        return (HttpMessageContext) Proxy.newProxyInstance(HttpMessageContext.class.getClassLoader(),
                new Class<?>[] {HttpMessageContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isProtected" -> true;
                    case "isAuthenticationRequest" -> false;
                    case "notifyContainerAboutLogin" -> {
                        if (args.length == 2 && args[0] instanceof TokenPrincipal caller) {
                            lastCaller = caller;
                            yield AuthenticationStatus.SUCCESS;
                        }
                        throw new UnsupportedOperationException("notifyContainerAboutLogin" + List.of(method.getParameterTypes()));
                    }
                    default -> objectMethod(proxy, method.getName(), args);
                });
    }

    private static HttpServletRequest requestWithAuthorization(String authorization) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> "Authorization".equalsIgnoreCase((String) args[0])
                            ? Collections.enumeration(List.of(authorization))
                            : "Host".equalsIgnoreCase((String) args[0]) ? Collections.enumeration(List.of("127.0.0.1:8080"))
                            : Collections.emptyEnumeration();
                    case "getMethod" -> "GET";
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    case "getRequestURI", "getServletPath" -> "/api/me";
                    case "getContextPath" -> "";
                    case "getPathInfo", "getQueryString", "getCookies" -> null;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "getHeaderNames" -> Collections.enumeration(List.of("Authorization", "Host"));
                    // Every iteration is a new request: nothing remembered from the last one.
                    case "getAttribute" -> null;
                    case "setAttribute", "removeAttribute" -> null;
                    default -> objectMethod(proxy, method.getName(), args);
                });
    }

    private static Object objectMethod(Object proxy, String name, Object[] args) {
        return switch (name) {
            case "toString" -> "benchmark stub";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(name + " is not stubbed for the benchmark");
        };
    }
}
