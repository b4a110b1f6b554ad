package dev.latchkey.faults;

/**
 * A session the client was told has ended: a logout answered {@code 204}, or the other session of
 * a password change answered {@code 200}. From {@code acknowledgedAt} on, neither token may work
 * on any node, through any fault.
 *
 * @param accessToken  the raw token, kept in memory to probe with and never printed
 * @param refreshToken the raw token, likewise
 * @param csrfToken    the session's CSRF token, so that presenting the refresh token again is
 *                     refused for the token and not for a missing CSRF proof
 */
record Revocation(Exchange acknowledgement, String accessToken, String refreshToken, String csrfToken) {

    long acknowledgedAt() {
        return acknowledgement.answeredAt();
    }
}
