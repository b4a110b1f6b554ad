package dev.latchkey.security;

import dev.latchkey.token.VerifiedAccessToken;
import jakarta.security.enterprise.CallerPrincipal;

/** The caller of an authenticated request: the user id, the verified token, and how it was presented. */
public class TokenPrincipal extends CallerPrincipal {

    private static final long serialVersionUID = 1L;

    /** {@code DPOP_HEADER}: {@code Authorization: DPoP}, the scheme of a bound token (RFC 9449 section 7.1). */
    public enum Source { BEARER_HEADER, DPOP_HEADER, ACCESS_COOKIE }

    private final transient VerifiedAccessToken token;
    private final Source source;

    TokenPrincipal(VerifiedAccessToken token, Source source) {
        super(token.subject());
        this.token = token;
        this.source = source;
    }

    public VerifiedAccessToken token() {
        return token;
    }

    public Source source() {
        return source;
    }
}
