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
import java.util.List;
import java.util.Set;

/** Signs access tokens with the active key. */
@ApplicationScoped
public class AccessTokenIssuer {

    /** 128 bits: a {@code jti} is a revocation handle, so it must not be guessable or collide. */
    private static final int JTI_BYTES = 16;

    @Inject
    SigningKeyRing keys;

    @Inject
    TokenSettings settings;

    @Inject
    Clock clock;

    /**
     * @param subject the user id; it also serves as {@code upn}, so MicroProfile JWT consumers get
     *                a stable principal name that is not personal data (no e-mail in the token)
     * @param groups  the user's roles
     * @param familyId the login session the token belongs to, as {@code sid}: revoking the session
     *                 revokes every access token issued in it
     * @param emailVerified whether the owner has proved the account's address is theirs, as
     *                      {@code email_verified} (OpenID Connect's claim), so an application can
     *                      require it; the address itself stays out of the token
     * @param amr           how the login that started the session authenticated ({@link AuthenticationMethods})
     * @param authTime      when that login happened, as {@code auth_time}: refreshed tokens keep both,
     *                      so an application can ask for a recent or a stronger sign-in
     */
    public IssuedAccessToken issue(String subject, Set<String> groups, String familyId, boolean emailVerified,
                                   List<String> amr, Instant authTime) {
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(settings.accessTokenLifetime());
        String jti = RandomTokens.base64Url(JTI_BYTES);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .subject(subject)
                .audience(settings.audience())
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .jwtID(jti)
                .claim("upn", subject)
                .claim("sid", familyId)
                .claim("groups", List.copyOf(groups))
                .claim("email_verified", emailVerified)
                .claim("amr", List.copyOf(amr))
                .claim("auth_time", authTime.getEpochSecond())
                .build();
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
        return new IssuedAccessToken(jwt.serialize(), jti, expiresAt, settings.accessTokenLifetime().toSeconds());
    }
}
