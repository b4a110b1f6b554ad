package dev.latchkey.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The cookie contract, in one place. The defaults are the hardened ones: the refresh token only
 * travels to /auth, never to scripts, never over plain HTTP, never on cross-site requests.
 */
@ApplicationScoped
public class CookieSettings {

    /** __Secure- makes browsers refuse the cookie unless it is Secure and set over HTTPS. */
    @Inject
    @ConfigProperty(name = "latchkey.cookie.refresh.name", defaultValue = "__Secure-latchkey-refresh")
    String refreshName;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.refresh.path", defaultValue = "/auth")
    String refreshPath;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.same-site", defaultValue = "Strict")
    String sameSite;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.secure", defaultValue = "true")
    boolean secure;

    /** __Host- binds the cookie to this exact host and path /: no sibling subdomain can plant one. */
    @Inject
    @ConfigProperty(name = "latchkey.cookie.csrf.name", defaultValue = "__Host-latchkey-csrf")
    String csrfName;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.access.enabled", defaultValue = "false")
    boolean accessEnabled;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.access.name", defaultValue = "__Host-latchkey-access")
    String accessName;

    public String refreshName() {
        return refreshName;
    }

    public String csrfName() {
        return csrfName;
    }

    public boolean accessCookieEnabled() {
        return accessEnabled;
    }

    public String accessName() {
        return accessName;
    }

    public String refreshCookie(String value, long maxAgeSeconds) {
        return SetCookie.header(refreshName, value, refreshPath, maxAgeSeconds, secure, true, sameSite);
    }

    /** Readable by scripts on purpose: the client copies it into the X-CSRF-Token header. */
    public String csrfCookie(String value, long maxAgeSeconds) {
        return SetCookie.header(csrfName, value, "/", maxAgeSeconds, secure, false, sameSite);
    }

    public String accessCookie(String value, long maxAgeSeconds) {
        return SetCookie.header(accessName, value, "/", maxAgeSeconds, secure, true, sameSite);
    }
}
