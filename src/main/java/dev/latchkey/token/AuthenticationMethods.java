package dev.latchkey.token;

import java.util.List;

/**
 * The {@code amr} values Latchkey puts on access tokens (RFC 8176), one list per way a login can
 * complete. A consuming application that demands a second factor checks for {@link #OTP} (an
 * authenticator code) or {@link #MFA} (a recovery code, which is a second factor but not an
 * authenticator); see docs/mfa.md.
 */
public final class AuthenticationMethods {

    public static final String PASSWORD = "pwd";
    public static final String OTP = "otp";
    public static final String MFA = "mfa";

    /** A password alone. */
    public static final List<String> PASSWORD_ONLY = List.of(PASSWORD);
    /** A password and a TOTP code. */
    public static final List<String> PASSWORD_AND_OTP = List.of(PASSWORD, OTP);
    /** A password and a single-use recovery code. */
    public static final List<String> PASSWORD_AND_RECOVERY_CODE = List.of(PASSWORD, MFA);

    private AuthenticationMethods() {
    }

    /** Whether the methods include a second factor of any kind. */
    public static boolean includeSecondFactor(List<String> amr) {
        return amr.contains(OTP) || amr.contains(MFA);
    }
}
