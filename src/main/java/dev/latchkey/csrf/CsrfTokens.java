package dev.latchkey.csrf;

import dev.latchkey.keys.ServerSecrets;
import dev.latchkey.token.RandomTokens;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signed double-submit CSRF tokens (OWASP CSRF Prevention Cheat Sheet): {@code random.HMAC(key,
 * sessionId.random)}. The session binding means a token lifted from another session, or one an
 * attacker planted in a cookie, does not verify; the HMAC means nobody without the server key can
 * mint one.
 */
@ApplicationScoped
public class CsrfTokens {

    private static final int RANDOM_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    @Inject
    ServerSecrets secrets;

    private SecretKeySpec key;

    @PostConstruct
    void init() {
        key = new SecretKeySpec(secrets.csrfKey(), "HmacSHA256");
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
        byte[] presented = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac(sessionId, random).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, expected);
    }

    private String mac(String sessionId, String random) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return ENCODER.encodeToString(mac.doFinal((sessionId + "." + random).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
