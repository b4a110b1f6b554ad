package dev.latchkey.token;

import java.time.Instant;

/**
 * A freshly signed access token, with the facts the caller needs to answer and to revoke it later.
 *
 * @param senderConstrained whether the token carries {@code cnf.jkt} (DPoP): its type is then
 *                          {@code DPoP}, not {@code Bearer} (RFC 9449 section 5)
 */
public record IssuedAccessToken(String value, String jti, Instant expiresAt, long expiresInSeconds, boolean senderConstrained) {

    @Override
    public String toString() {
        // Never print the token itself.
        return "IssuedAccessToken[jti=" + jti + ", expiresAt=" + expiresAt + "]";
    }
}
