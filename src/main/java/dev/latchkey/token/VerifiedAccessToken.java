package dev.latchkey.token;

import java.time.Instant;
import java.util.Set;

/**
 * The facts of an access token whose signature and claims all checked out.
 *
 * @param familyId the {@code sid} claim: the login session (token family) the token was issued in
 */
public record VerifiedAccessToken(String subject, String jti, String familyId, Set<String> groups,
                                  Instant issuedAt, Instant expiresAt) {
}
