package dev.latchkey.session;

import dev.latchkey.token.IssuedAccessToken;
import java.time.Duration;

/** What a login or refresh hands the client: an access token, and the session's cookies. */
public record SessionTokens(IssuedAccessToken accessToken, String refreshToken, String csrfToken, Duration sessionRemaining) {

    @Override
    public String toString() {
        // Never print the tokens themselves.
        return "SessionTokens[" + accessToken + "]";
    }
}
