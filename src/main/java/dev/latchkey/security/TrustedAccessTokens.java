package dev.latchkey.security;

import dev.latchkey.revocation.RevocationList;
import dev.latchkey.token.AccessTokenVerifier;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Everything that decides whether an access token is good right now: the one verifier
 * (signature, key, claims), then the revocation list (the token, its session, its user, and the
 * key that signed it). The authentication mechanism and token introspection both ask here, so
 * they can never disagree about a token.
 */
@ApplicationScoped
public class TrustedAccessTokens {

    @Inject
    AccessTokenVerifier verifier;

    @Inject
    RevocationList revocations;

    /** @throws TokenRejectedException expired, or invalid for any other reason, revocation included */
    public VerifiedAccessToken check(String token) throws TokenRejectedException {
        VerifiedAccessToken verified = verifier.verify(token);
        if (revocations.isRevoked(verified) || revocations.isSignedWithRevokedKey(verified)) {
            throw TokenRejectedException.invalid();
        }
        return verified;
    }
}
