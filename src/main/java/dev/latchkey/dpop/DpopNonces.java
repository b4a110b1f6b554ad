package dev.latchkey.dpop;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.keys.KeySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Server nonces for DPoP proofs (RFC 9449 section 8): a nonce is the HMAC of the current time
 * window under a secret every node shares, so any node can check a nonce another node issued,
 * and nothing is stored or replicated. A proof made before its nonce existed cannot be used, which
 * limits how far ahead a client (or malware on it) can make proofs for later.
 *
 * <p>A nonce is good in the window it was issued in and in the next one, so one issued just before
 * a window ends still works for a full window.
 */
@ApplicationScoped
public class DpopNonces {

    static final String DEVELOPMENT_SECRET = "dev-dpop-nonce-secret";
    private static final String LABEL = "latchkey/dpop-nonce/v1|";

    @Inject
    DpopSettings settings;

    @Inject
    KeySettings keySettings;

    @Inject
    Clock clock;

    /** Null while nonces are off: no secret is read or generated that nothing would use. */
    private byte[] key;

    @PostConstruct
    void init() {
        if (!settings.nonces()) {
            return;
        }
        byte[] secret = keySettings.configuredOrDevelopmentSecret(
                settings.configuredNonceSecret(), DEVELOPMENT_SECRET, DpopSettings.MIN_SECRET_BYTES);
        // Derived under its own label, so the configured secret is never used directly as an HMAC key
        // for anything a client sees.
        key = Hmac.sha256(secret, "latchkey/dpop-nonce-key/v1".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Created at boot, not at the first proof: a bad {@code latchkey.dpop.*} value, or an
     * unreadable development secret, then stops the deployment.
     */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /** The nonce to hand out now (nonces on only). */
    public String current() {
        return forWindow(window());
    }

    /** Whether the nonce is this window's or the previous one's (each compared in constant time). */
    boolean isValid(String presented) {
        long now = window();
        // Both comparisons always run: which one matched must not show in the timing.
        boolean current = ConstantTime.equal(forWindow(now), presented);
        boolean previous = ConstantTime.equal(forWindow(now - 1), presented);
        return current | previous;
    }

    private long window() {
        return clock.instant().getEpochSecond() / settings.nonceLifetime().toSeconds();
    }

    private String forWindow(long window) {
        return Base64Values.url(Hmac.sha256(key, (LABEL + window).getBytes(StandardCharsets.US_ASCII)));
    }
}
