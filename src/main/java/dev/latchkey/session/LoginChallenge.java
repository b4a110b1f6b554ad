package dev.latchkey.session;

import java.time.Duration;

/**
 * A login halfway: the password was right and the account wants a second factor.
 *
 * @param mfaToken the token that names this challenge, which exists only in the response: the
 *                 server keeps its SHA-256
 */
public record LoginChallenge(String mfaToken, Duration expiresIn) implements LoginResult {

    @Override
    public String toString() {
        return "LoginChallenge[expiresIn=" + expiresIn + "]";
    }
}
