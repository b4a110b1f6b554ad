package dev.latchkey.session;

import dev.latchkey.token.IssuedAccessToken;
import java.time.Duration;

/**
 * What a login or refresh hands the client: an access token, and the session's cookies.
 *
 * @param persistent whether the cookies outlive the browser (a "remember me" session), with
 *                   {@code Max-Age} up to the session's absolute expiry, or die with it
 */
public record SessionTokens(IssuedAccessToken accessToken, String refreshToken, String csrfToken, Duration sessionRemaining,
                            boolean persistent) implements LoginResult {

    @Override
    public String toString() {
        // Never print the tokens themselves.
        return "SessionTokens[" + accessToken + "]";
    }
}
