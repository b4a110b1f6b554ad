package dev.latchkey.http;

import jakarta.enterprise.context.ApplicationScoped;
import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;

import java.util.Set;

/**
 * The cookie contract, in one place. The defaults are the hardened ones: the refresh token only
 * travels to /auth, never to scripts, never over plain HTTP, never on cross-site requests.
 */
@ApplicationScoped
public class CookieSettings extends Settings {

    private String refreshName;
    private String refreshPath;
    private String sameSite;
    private boolean secure;
    private String csrfName;
    private boolean accessEnabled;
    private String accessName;

    public static CookieSettings from(SettingsSource source) {
        return load(new CookieSettings(), source);
    }

    public static CookieSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        // __Secure- makes browsers refuse the cookie unless it is Secure and set over HTTPS.
        refreshName = source.text("latchkey.cookie.refresh.name", "__Secure-latchkey-refresh");
        refreshPath = source.text("latchkey.cookie.refresh.path", "/auth");
        sameSite = source.oneOf("latchkey.cookie.same-site", "Strict", Set.of("Strict", "Lax", "None"));
        secure = source.flag("latchkey.cookie.secure", true);
        // __Host- binds the cookie to this exact host and path /: no sibling subdomain can plant one.
        csrfName = source.text("latchkey.cookie.csrf.name", "__Host-latchkey-csrf");
        accessEnabled = source.flag("latchkey.cookie.access.enabled", false);
        accessName = source.text("latchkey.cookie.access.name", "__Host-latchkey-access");
        if (!refreshPath.startsWith("/")) {
            throw new InvalidSettingException("latchkey.cookie.refresh.path", "must start with /");
        }
    }

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
        return refreshCookie(value, java.util.OptionalLong.of(maxAgeSeconds));
    }

    /** @param maxAgeSeconds empty: a session cookie, gone when the browser closes */
    public String refreshCookie(String value, java.util.OptionalLong maxAgeSeconds) {
        return SetCookie.header(refreshName, value, refreshPath, maxAgeSeconds, secure, true, sameSite);
    }

    /** Readable by scripts on purpose: the client copies it into the X-CSRF-Token header. */
    public String csrfCookie(String value, long maxAgeSeconds) {
        return csrfCookie(value, java.util.OptionalLong.of(maxAgeSeconds));
    }

    /** @param maxAgeSeconds empty: a session cookie, gone when the browser closes */
    public String csrfCookie(String value, java.util.OptionalLong maxAgeSeconds) {
        return SetCookie.header(csrfName, value, "/", maxAgeSeconds, secure, false, sameSite);
    }

    public String accessCookie(String value, long maxAgeSeconds) {
        return SetCookie.header(accessName, value, "/", maxAgeSeconds, secure, true, sameSite);
    }
}
