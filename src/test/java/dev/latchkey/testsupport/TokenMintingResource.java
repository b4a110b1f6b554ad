package dev.latchkey.testsupport;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.keys.ManagedKey;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.token.TokenSettings;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Test deployments only: signs, with Latchkey's real active key, a token like the ones login
 * issues but with a chosen audience or issuer, to prove that consumers check those claims and do
 * not merely trust the signature.
 */
@Path("/test-support/tokens")
@RequestScoped
public class TokenMintingResource {

    @Inject
    SigningKeys keys;

    @Inject
    TokenSettings settings;

    @Inject
    Clock clock;

    @POST
    public String mint(@QueryParam("subject") String subject, @QueryParam("audience") String audience,
                       @QueryParam("issuer") String issuer) throws Exception {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer != null ? issuer : settings.issuer())
                .subject(subject)
                .audience(audience != null ? audience : settings.audience())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.accessTokenLifetime())))
                .jwtID(UUID.randomUUID().toString())
                .claim("upn", subject)
                .claim("sid", UUID.randomUUID().toString())
                .claim("groups", List.of("user"))
                .build();
        ManagedKey key = keys.activeSigningKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(key.signer());
        return jwt.serialize();
    }
}
