package dev.latchkey.csrf;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.http.HttpSettings;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.token.TokenSettings;

import java.util.Base64;
import java.util.Map;

/**
 * Unit-test wiring of the CSRF beans outside a container: their injected fields are
 * package-private, so tests of other packages get them from here.
 */
public final class CsrfBeans {

    private CsrfBeans() {
    }

    /** CSRF tokens signed with this secret (at least 32 bytes), as a node configured with it signs them. */
    public static CsrfTokens tokens(byte[] secret) {
        CsrfTokens tokens = new CsrfTokens();
        tokens.settings = settings(secret);
        tokens.keySettings = KeySettings.defaults();
        tokens.tokenSettings = TokenSettings.defaults();
        tokens.init();
        return tokens;
    }

    public static CsrfGuard guard(byte[] secret, CsrfTokens tokens) {
        CsrfGuard guard = new CsrfGuard();
        guard.tokens = tokens;
        guard.settings = settings(secret);
        guard.cookies = CookieSettings.defaults();
        return guard;
    }

    private static CsrfSettings settings(byte[] secret) {
        return CsrfSettings.from(SettingsSource.of(Map.of(CsrfSettings.SECRET, Base64.getEncoder().encodeToString(secret))),
                HttpSettings.defaults());
    }
}
