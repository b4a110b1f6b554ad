package dev.latchkey.token;

/**
 * An access token was refused. Deliberately carries only a coarse reason: the client learns
 * "expired" or "invalid", never which check failed, so a forger gets no oracle.
 */
public class TokenRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason { EXPIRED, INVALID }

    private final Reason reason;

    TokenRejectedException(Reason reason) {
        // No message, no cause, no stack: rejection is routine and must stay cheap under attack.
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Also for checks after verification (the revocation list): the caller learns nothing more. */
    public static TokenRejectedException invalid() {
        return new TokenRejectedException(Reason.INVALID);
    }

    static TokenRejectedException expired() {
        return new TokenRejectedException(Reason.EXPIRED);
    }
}
