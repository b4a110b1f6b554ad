package dev.latchkey.csrf;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.keys.HmacSecret;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.token.TokenSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Signed double-submit CSRF tokens (OWASP CSRF Prevention Cheat Sheet): {@code nonce.HMAC(key,
 * sessionId.nonce)}. The session binding means a token lifted from another session, or one an
 * attacker planted in a cookie, does not verify; the HMAC means nobody without the server key can
 * mint one.
 *
 * <p>One token per session (the cheat sheet's per-session token), not one per refresh: the nonce
 * is derived from the session id under the key, so every mint for a session gives the same token.
 * A token that rotated with each refresh broke its own double submit whenever two tabs refreshed
 * at once: a page read the cookie, another tab's refresh replaced it, and the header then no
 * longer equalled the cookie the browser sent (a {@code 403}, issue 16). A new session still gets
 * a new token, so a token from an earlier session never verifies. Tokens minted with a random
 * nonce before this change have the same form and keep verifying.
 */
@ApplicationScoped
public class CsrfTokens {

    static final String DEVELOPMENT_SECRET = "dev-csrf-secret";
    private static final int NONCE_BYTES = 16;
    /** Domain separation: the nonce and the MAC are both HMACs under the one key, of distinct inputs. */
    private static final String NONCE_LABEL = "latchkey/csrf-session-nonce/v1|";

    @Inject
    CsrfSettings settings;

    @Inject
    KeySettings keySettings;

    @Inject
    TokenSettings tokenSettings;

    private byte[] key;

    @PostConstruct
    void init() {
        key = keySettings.configuredOrDevelopmentSecret(
                settings.configuredSecret(), DEVELOPMENT_SECRET, CsrfSettings.MIN_SECRET_BYTES);
        if (tokenSettings.hmacMode()) {
            tokenSettings.hs256Secret().ifPresent(hs256 -> HmacSecret.refuseIfSameAs(hs256, key));
        }
    }

    /**
     * Created at boot, not at the first login: a bad secret or origin list, or an HS256 secret
     * reused as the CSRF secret, then stops the deployment.
     */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /** The session's token: the same for every call with the same session id. */
    public String forSession(String sessionId) {
        byte[] derived = Hmac.sha256(key, (NONCE_LABEL + sessionId).getBytes(StandardCharsets.UTF_8));
        String nonce = Base64Values.url(Arrays.copyOf(derived, NONCE_BYTES));
        return nonce + "." + mac(sessionId, nonce);
    }

    public boolean isValidFor(String token, String sessionId) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || token.length() > 128) {
            return false;
        }
        String nonce = token.substring(0, dot);
        return ConstantTime.equal(token.substring(dot + 1), mac(sessionId, nonce));
    }

    private String mac(String sessionId, String nonce) {
        return Base64Values.url(Hmac.sha256(key, (sessionId + "." + nonce).getBytes(StandardCharsets.UTF_8)));
    }
}
