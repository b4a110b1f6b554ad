package dev.latchkey.keys;

import java.util.Locale;

/** The life of a signing key. Keys only ever move forward: next, active, retired; or to revoked. */
public enum KeyState {
    /** Published in the JWKS so that every consumer has it before it signs anything; not signing yet. */
    NEXT,
    /** Signing new tokens. Exactly one key is active. */
    ACTIVE,
    /** No longer signing; published and trusted until every token it signed has expired. */
    RETIRED,
    /** Never trusted again: gone from the JWKS at once, and every token it signed is refused. */
    REVOKED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    static KeyState ofCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
