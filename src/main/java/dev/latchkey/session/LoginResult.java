package dev.latchkey.session;

/**
 * What a correct password at {@code /auth/login} yields: a session, or, for an account with a
 * second factor, a challenge that {@code /auth/login/mfa} completes.
 */
public sealed interface LoginResult permits SessionTokens, LoginChallenge {
}
