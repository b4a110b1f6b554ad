package dev.latchkey.session;

import dev.latchkey.token.IssuedAccessToken;
import java.time.Duration;
import java.time.Instant;

/**
 * What a login or refresh hands the client: an access token, the session's cookies, and when the
 * session ends.
 *
 * @param sessionExpiresAt the session's absolute end, which no refresh moves
 * @param idleExpiresAt    when the session ends unless it is refreshed before: its last use plus the
 *                         idle timeout, never after {@code sessionExpiresAt}
 * @param persistent       whether the cookies outlive the browser (a "remember me" session), with
 *                         {@code Max-Age} up to the session's absolute expiry, or die with it
 */
public record SessionTokens(IssuedAccessToken accessToken, String refreshToken, String csrfToken, Instant issuedAt,
                            Instant sessionExpiresAt, Instant idleExpiresAt, boolean persistent) implements LoginResult {

    public Duration sessionRemaining() {
        return Duration.between(issuedAt, sessionExpiresAt);
    }

    @Override
    public String toString() {
        // Never print the tokens themselves.
        return "SessionTokens[" + accessToken + "]";
    }
}
