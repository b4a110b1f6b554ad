package dev.latchkey.token;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The facts of an access token whose signature and claims all checked out.
 *
 * @param familyId the {@code sid} claim: the login session (token family) the token was issued in
 * @param keyId    the {@code kid} of the key that signed it: a revoked key takes its tokens down with it
 * @param boundKey the {@code cnf.jkt} claim: the thumbprint of the DPoP key the token is bound to,
 *                 whose proof must come with every use of the token
 */
public record VerifiedAccessToken(String subject, String jti, String familyId, Set<String> groups,
                                  Instant issuedAt, Instant expiresAt, String keyId, List<String> amr,
                                  Optional<String> boundKey) {

    /** A token without {@code amr} (one issued before the claim existed): no method is claimed. */
    public VerifiedAccessToken(String subject, String jti, String familyId, Set<String> groups,
                               Instant issuedAt, Instant expiresAt, String keyId) {
        this(subject, jti, familyId, groups, issuedAt, expiresAt, keyId, List.of(), Optional.empty());
    }

    /** Whether the login behind this token used a second factor ({@link AuthenticationMethods}). */
    public boolean hasSecondFactor() {
        return AuthenticationMethods.includeSecondFactor(amr);
    }
}
