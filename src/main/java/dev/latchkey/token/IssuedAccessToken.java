package dev.latchkey.token;

import java.time.Instant;

/** A freshly signed access token, with the facts the caller needs to answer and to revoke it later. */
public record IssuedAccessToken(String value, String jti, Instant expiresAt, long expiresInSeconds) {

    @Override
    public String toString() {
        // Never print the token itself.
        return "IssuedAccessToken[jti=" + jti + ", expiresAt=" + expiresAt + "]";
    }
}
