package dev.latchkey.token;

import java.time.Instant;
import java.util.Set;

/** The facts of an access token whose signature and claims all checked out. */
public record VerifiedAccessToken(String subject, String jti, Set<String> groups, Instant issuedAt, Instant expiresAt) {
}
