package dev.latchkey.audit;

import java.util.Locale;

public enum AuditEvent {
    REGISTRATION,
    EMAIL_VERIFIED,
    EMAIL_VERIFICATION_RESENT,
    LOGIN,
    LOGIN_THROTTLED,
    REFRESH,
    REFRESH_REUSE_DETECTED,
    LOGOUT,
    LOGOUT_ALL,
    SESSION_REVOKED,
    PASSWORD_CHANGE,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    ADMIN_REVOKE_TOKENS,
    ADMIN_DISABLE_USER,
    ADMIN_ROLE_GRANTED,
    SIGNING_KEY_REVOKED,
    MAIL_UNDELIVERABLE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
