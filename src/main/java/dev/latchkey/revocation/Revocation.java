package dev.latchkey.revocation;

import java.time.Instant;

/**
 * One entry of the revocation list: access tokens it matches are dead if they were issued before
 * {@code notBefore}. The entry itself can be forgotten at {@code expiresAt}, when no token it could
 * match is still within its lifetime.
 */
public record Revocation(Instant notBefore, Instant expiresAt) {

    /** For a single token or a whole session: every matching token is dead, whenever it was issued. */
    public static final Instant ALWAYS = Instant.ofEpochMilli(Long.MAX_VALUE);

    public boolean matches(Instant issuedAt, Instant now) {
        return issuedAt.isBefore(notBefore) && now.isBefore(expiresAt);
    }

    /** Two revocations of the same key combine to the wider one: revocation never shrinks. */
    public Revocation widenedBy(Revocation other) {
        Instant widerNotBefore = notBefore.isAfter(other.notBefore) ? notBefore : other.notBefore;
        Instant laterExpiry = expiresAt.isAfter(other.expiresAt) ? expiresAt : other.expiresAt;
        return new Revocation(widerNotBefore, laterExpiry);
    }
}
