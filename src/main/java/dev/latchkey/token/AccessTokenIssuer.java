package dev.latchkey.token;

import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.crypto.RandomTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;

/** Signs access tokens with the active key. */
@ApplicationScoped
public class AccessTokenIssuer {

    /** 128 bits: a {@code jti} is a revocation handle, so it must not be guessable or collide. */
    private static final int JTI_BYTES = 16;

    public static final String PERMISSIONS = "permissions";
    public static final String PERMISSIONS_TRUNCATED = "permissions_truncated";
    /** RFC 7800 confirmation, with RFC 9449's {@code jkt} member. */
    public static final String CONFIRMATION = "cnf";
    public static final String KEY_THUMBPRINT = "jkt";

    @Inject
    SigningKeyRing keys;

    @Inject
    TokenSettings settings;

    @Inject
    Clock clock;

    /**
     * Signs a token issued now.
     *
     * @see #issue(AccessTokenClaims, Instant)
     */
    public IssuedAccessToken issue(AccessTokenClaims claims) {
        return issue(claims, clock.instant());
    }

    /**
     * @param readAt when the claims were read: the token's {@code iat} is that second, not the
     *               moment of signing, so a change of rights committed after the read cuts the
     *               token off ({@code RevocationList.cutOffUserTokens})
     */
    public IssuedAccessToken issue(AccessTokenClaims content, Instant readAt) {
        Instant issuedAt = readAt.truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(settings.accessTokenLifetime());
        String jti = RandomTokens.base64Url(JTI_BYTES);
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .subject(content.subject())
                .audience(settings.audience())
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .jwtID(jti)
                .claim("upn", content.subject())
                .claim("sid", content.familyId())
                .claim("groups", content.groups())
                .claim("email_verified", content.emailVerified())
                .claim("amr", content.amr())
                .claim("auth_time", content.authTime().getEpochSecond());
        // A token must stay small enough for a header; past the limit a consumer is told to ask
        // introspection, which always answers the whole list, rather than given part of it.
        if (content.permissions().size() > settings.maxPermissionsInToken()) {
            builder.claim(PERMISSIONS_TRUNCATED, true);
        } else {
            builder.claim(PERMISSIONS, content.permissions());
        }
        content.boundKey().ifPresent(thumbprint -> builder.claim(CONFIRMATION, Map.of(KEY_THUMBPRINT, thumbprint)));
        JWTClaimsSet claims = builder.build();
        ManagedKey key = keys.activeSigningKey();
        // typ "JWT": Payara's MicroProfile JWT implementation refuses any other value.
        JWSHeader header = new JWSHeader.Builder(key.algorithm())
                .keyID(key.kid())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing with key " + key.kid() + " failed", e);
        }
        return new IssuedAccessToken(jwt.serialize(), jti, expiresAt, settings.accessTokenLifetime().toSeconds(),
                content.boundKey().isPresent());
    }
}
