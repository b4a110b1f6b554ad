package dev.latchkey.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.http.RequestLimits;
import dev.latchkey.metrics.Metrics;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one access-token verifier. Every protected request, and every other place that needs to
 * trust an access token, goes through {@link #verify(String)}.
 *
 * <p>The order of checks is chosen so that the cheap, attacker-controlled parts are refused before
 * any cryptography runs: length, shape and canonical encoding first; then the key, looked up by
 * {@code kid} in our own key ring only ({@code jku}, {@code x5u} and {@code jwk} headers are never
 * read, so no attacker-supplied key or URL is ever used, and a token naming one is refused, as is
 * any header parameter we never issue); then the algorithm the key is bound to; then the
 * signature; and only then the claims.
 *
 * <p>A token that passed all of that is remembered, keyed by the SHA-256 of its exact text, until it
 * expires (see {@link #verify(String)}): a client sends the same token on every request for its
 * whole life, and an ES256 signature check costs about a millisecond of CPU on JDK 17.
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final Set<String> REQUIRED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid");

    /** Nimbus reads a numeric {@code sub} as its decimal text; ours are always strings, so anything else is refused. */
    private static final Set<String> STRING_CLAIMS = Set.of("iss", "sub", "jti", "sid");

    /**
     * Exactly the header parameters {@link AccessTokenIssuer} writes. Anything else (a {@code crit}
     * list, even an empty one; {@code jku}, {@code x5u}, {@code jwk}, {@code x5c}; {@code b64};
     * {@code cty}) is something we never issue, so a token carrying it is not ours.
     */
    /** A SHA-256 digest, base64url without padding. */
    private static final int SHA256_BASE64URL_CHARS = 43;

    private static final Set<String> ISSUED_HEADER_PARAMETERS = Set.of("alg", "kid", "typ");

    @Inject
    SigningKeyRing keys;

    @Inject
    TokenSettings settings;

    @Inject
    Clock clock;

    @Inject
    Metrics metrics;

    private DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;

    /** Absent when {@code latchkey.token.verified-cache-size} is 0. */
    private Cache<String, VerifiedAccessToken> alreadyVerified;

    @PostConstruct
    void init() {
        // Nimbus probes these sets with null, which immutable Set.of() sets refuse; hence HashSets.
        claimsVerifier = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(settings.audience())),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                new HashSet<>(REQUIRED_CLAIMS),
                new HashSet<>()) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claimsVerifier.setMaxClockSkew(settings.clockSkewSeconds());
        if (settings.verifiedCacheSize() > 0) {
            alreadyVerified = Caffeine.newBuilder()
                    .maximumSize(settings.verifiedCacheSize())
                    .expireAfter(new UntilTheTokenExpires())
                    .recordStats()
                    .build();
            // cache_gets{cache="verified-access-tokens",result="hit"|"miss"} and its size, through Micrometer's binder.
            CaffeineCacheMetrics.monitor(metrics.registry(), alreadyVerified, "verified-access-tokens");
        }
    }

    /**
     * Verifies a token, or recognises one that verified before.
     *
     * <p>Why remembering is safe: the key is a digest of the whole token, so only the exact string
     * that verified, signature included, can ever hit (a single changed character, or ECDSA's
     * malleable twin, is a different key and takes the full path); only successes are remembered,
     * so an attacker cannot fill the cache with anything but valid tokens; an entry never outlives
     * the token's {@code exp} (judged by the same injected clock as the claims, with no skew, so a
     * remembered answer is never more lenient than a fresh one); and an entry whose signing key is
     * no longer trusted is ignored. Revocation is not part of this answer at all: the revocation
     * list is checked on every request, after this, by {@code TrustedAccessTokens}.
     */
    public VerifiedAccessToken verify(String token) throws TokenRejectedException {
        if (alreadyVerified == null) {
            return verifySignatureAndClaims(token);
        }
        if (token == null || token.length() > RequestLimits.MAX_TOKEN_CHARS) {
            throw TokenRejectedException.invalid();
        }
        String digest = TokenDigests.sha256(token);
        VerifiedAccessToken remembered = alreadyVerified.getIfPresent(digest);
        if (remembered != null && clock.instant().isBefore(remembered.expiresAt())
                && keys.verificationKey(remembered.keyId()).isPresent()) {
            return remembered;
        }
        VerifiedAccessToken verified = verifySignatureAndClaims(token);
        if (clock.instant().isBefore(verified.expiresAt())) {
            alreadyVerified.put(digest, verified);
        }
        return verified;
    }

    private VerifiedAccessToken verifySignatureAndClaims(String token) throws TokenRejectedException {
        SignedJWT jwt = parseCanonicalJws(token);
        JWSHeader header = jwt.getHeader();
        if (!ISSUED_HEADER_PARAMETERS.containsAll(rawHeaderNames(header)) || !JOSEObjectType.JWT.equals(header.getType())) {
            throw TokenRejectedException.invalid();
        }
        ManagedKey key = keys.verificationKey(header.getKeyID()).orElseThrow(TokenRejectedException::invalid);
        if (!key.algorithm().equals(header.getAlgorithm())) {
            throw TokenRejectedException.invalid();
        }
        try {
            if (!jwt.verify(key.verifier())) {
                throw TokenRejectedException.invalid();
            }
        } catch (JOSEException | IllegalStateException e) {
            throw TokenRejectedException.invalid();
        }
        try {
            Map<String, Object> json = jwt.getPayload().toJSONObject();
            if (json == null || !STRING_CLAIMS.stream().allMatch(name -> json.get(name) instanceof String)) {
                throw TokenRejectedException.invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            claimsVerifier.verify(claims, null);
            Instant issuedAt = claims.getIssueTime().toInstant();
            if (issuedAt.isAfter(clock.instant().plusSeconds(settings.clockSkewSeconds()))) {
                throw TokenRejectedException.invalid();
            }
            List<String> groups = claims.getStringListClaim("groups");
            List<String> amr = claims.getStringListClaim("amr");
            return new VerifiedAccessToken(
                    claims.getSubject(),
                    claims.getJWTID(),
                    claims.getStringClaim("sid"),
                    groups == null ? Set.of() : Set.copyOf(groups),
                    issuedAt,
                    claims.getExpirationTime().toInstant(),
                    key.kid(),
                    amr == null ? List.of() : List.copyOf(amr),
                    boundKey(claims));
        } catch (ExpiredJWTException e) {
            throw TokenRejectedException.expired();
        } catch (BadJWTException | ParseException | NullPointerException e) {
            throw TokenRejectedException.invalid();
        }
    }

    /**
     * The {@code cnf.jkt} of a DPoP-bound token. A {@code cnf} of any other shape is refused rather
     * than ignored: ignoring it would turn a bound token into a bearer token.
     */
    private static Optional<String> boundKey(JWTClaimsSet claims) throws TokenRejectedException {
        Object confirmation = claims.getClaim(AccessTokenIssuer.CONFIRMATION);
        if (confirmation == null) {
            return Optional.empty();
        }
        if (confirmation instanceof Map<?, ?> members && members.size() == 1
                && members.get(AccessTokenIssuer.KEY_THUMBPRINT) instanceof String thumbprint
                && thumbprint.length() == SHA256_BASE64URL_CHARS && thumbprint.chars().allMatch(c -> isBase64UrlChar((char) c))) {
            return Optional.of(thumbprint);
        }
        throw TokenRejectedException.invalid();
    }

    /**
     * Accepts exactly three base64url segments in canonical form. Refusing non-canonical encodings
     * (padding, stray bits in the last character) means one token has one spelling, so a revoked
     * token cannot come back as a differently encoded twin. A JWE (five segments) is refused here
     * too, before any of its headers, such as a PBES2 iteration count, are acted on.
     *
     * <p>ES256 tokens have a second spelling all the same: ECDSA signatures are malleable ((r, s)
     * and (r, n - s) both verify, and the JDK accepts both). That is harmless because nothing keys on
     * a token's spelling: revocation keys on {@code jti}, {@code sid} and {@code sub}, which are
     * inside the signed payload and so identical in the twin, which is revoked with the original.
     * (Refusing high s instead would refuse half of the signatures the JDK's own signer makes.)
     */
    private static SignedJWT parseCanonicalJws(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty() || token.length() > RequestLimits.MAX_TOKEN_CHARS) {
            throw TokenRejectedException.invalid();
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64UrlChar(c)) {
                throw TokenRejectedException.invalid();
            }
        }
        if (dots != 2) {
            throw TokenRejectedException.invalid();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            for (Base64URL part : jwt.getParsedParts()) {
                if (part.toString().isEmpty() || !Base64URL.encode(part.decode()).equals(part)) {
                    throw TokenRejectedException.invalid();
                }
            }
            return jwt;
        } catch (ParseException | IllegalArgumentException e) {
            throw TokenRejectedException.invalid();
        }
    }

    /**
     * The names in the header as sent. Nimbus's own view drops some it treats as defaults (an empty
     * {@code crit} list, {@code "b64":true}), so the allow-list is checked against the raw JSON.
     */
    private static Set<String> rawHeaderNames(JWSHeader header) throws TokenRejectedException {
        try {
            return JSONObjectUtils.parse(header.getParsedBase64URL().decodeToString()).keySet();
        } catch (ParseException e) {
            throw TokenRejectedException.invalid();
        }
    }

    private static boolean isBase64UrlChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * Entries live until their token's {@code exp}, measured from the injected clock at insertion.
     * (Caffeine counts the time after that on its own ticker; a test clock moved past {@code exp}
     * is caught by the expiry check in {@link #verify(String)}.)
     */
    private final class UntilTheTokenExpires implements Expiry<String, VerifiedAccessToken> {
        @Override
        public long expireAfterCreate(String digest, VerifiedAccessToken token, long currentTime) {
            return Math.max(0, Duration.between(clock.instant(), token.expiresAt()).toNanos());
        }

        @Override
        public long expireAfterUpdate(String digest, VerifiedAccessToken token, long currentTime, long currentDuration) {
            return expireAfterCreate(digest, token, currentTime);
        }

        @Override
        public long expireAfterRead(String digest, VerifiedAccessToken token, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
