package dev.latchkey.csrf;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.keys.DevelopmentKeyStore;
import dev.latchkey.keys.HmacSecret;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.token.TokenSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;

/**
 * Signed double-submit CSRF tokens (OWASP CSRF Prevention Cheat Sheet): {@code random.HMAC(key,
 * sessionId.random)}. The session binding means a token lifted from another session, or one an
 * attacker planted in a cookie, does not verify; the HMAC means nobody without the server key can
 * mint one.
 */
@ApplicationScoped
public class CsrfTokens {

    static final String DEVELOPMENT_SECRET = "dev-csrf-secret";
    private static final int RANDOM_BYTES = 16;

    @Inject
    CsrfSettings settings;

    @Inject
    KeySettings keySettings;

    @Inject
    TokenSettings tokenSettings;

    private byte[] key;

    @PostConstruct
    void init() {
        key = settings.configuredSecret().orElseGet(() -> DevelopmentKeyStore.loadOrCreateSecret(
                keySettings.developmentDirectory(), DEVELOPMENT_SECRET, CsrfSettings.MIN_SECRET_BYTES));
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

    public String mint(String sessionId) {
        String random = RandomTokens.base64Url(RANDOM_BYTES);
        return random + "." + mac(sessionId, random);
    }

    public boolean isValidFor(String token, String sessionId) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || token.length() > 128) {
            return false;
        }
        String random = token.substring(0, dot);
        return ConstantTime.equal(token.substring(dot + 1), mac(sessionId, random));
    }

    private String mac(String sessionId, String random) {
        return Base64Values.url(Hmac.sha256(key, (sessionId + "." + random).getBytes(StandardCharsets.UTF_8)));
    }
}
