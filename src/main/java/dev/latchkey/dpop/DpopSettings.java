package dev.latchkey.dpop;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * Sender-constrained tokens ({@code latchkey.dpop.*}, RFC 9449): whether a login must bind its
 * session to a key, whether access tokens are bound too, how old a proof may be, and the server
 * nonces.
 */
@ApplicationScoped
public class DpopSettings extends Settings {

    public static final String REQUIRED = "latchkey.dpop.required";
    public static final String BIND_ACCESS_TOKENS = "latchkey.dpop.bind-access-tokens";
    public static final String PROOF_MAX_AGE_SECONDS = "latchkey.dpop.proof-max-age-seconds";
    public static final String CLOCK_SKEW_SECONDS = "latchkey.dpop.clock-skew-seconds";
    public static final String NONCES = "latchkey.dpop.nonces";
    public static final String NONCE_LIFETIME_SECONDS = "latchkey.dpop.nonce-lifetime-seconds";
    public static final String NONCE_SECRET = "latchkey.dpop.nonce-secret";
    static final int MIN_SECRET_BYTES = 32;

    private boolean required;
    private boolean bindAccessTokens;
    private Duration proofMaxAge;
    private Duration clockSkew;
    private boolean nonces;
    private Duration nonceLifetime;
    private Optional<byte[]> nonceSecret;

    public static DpopSettings from(SettingsSource source) {
        return load(new DpopSettings(), source);
    }

    public static DpopSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        required = source.flag(REQUIRED, false);
        bindAccessTokens = source.flag(BIND_ACCESS_TOKENS, false);
        // A proof is made for one request and sent at once: a few seconds cover the network, and
        // every second more is a second in which a proof lifted from a log or a proxy still works
        // (each jti once only, but a lifted proof has not been used yet).
        proofMaxAge = source.seconds(PROOF_MAX_AGE_SECONDS, 10, 1, 300);
        clockSkew = source.seconds(CLOCK_SKEW_SECONDS, 5, 0, 60);
        if (clockSkew.compareTo(proofMaxAge) > 0) {
            throw new InvalidSettingException(CLOCK_SKEW_SECONDS, "must not exceed " + PROOF_MAX_AGE_SECONDS
                    + " (" + proofMaxAge.toSeconds() + ")");
        }
        nonces = source.flag(NONCES, false);
        nonceLifetime = source.seconds(NONCE_LIFETIME_SECONDS, 60, 10, 3600);
        nonceSecret = source.secret(NONCE_SECRET, MIN_SECRET_BYTES,
                "generate one with `openssl rand -base64 32` and give every node the same value (LATCHKEY_DPOP_NONCE_SECRET)");
    }

    /** A login without a proof is refused. */
    public boolean required() {
        return required;
    }

    /** Access tokens of a bound session carry {@code cnf.jkt} and are accepted only with the DPoP scheme. */
    public boolean bindAccessTokens() {
        return bindAccessTokens;
    }

    /** How long after its {@code iat} a proof is accepted, skew aside; also how long its {@code jti} is remembered. */
    Duration proofMaxAge() {
        return proofMaxAge;
    }

    Duration clockSkew() {
        return clockSkew;
    }

    /** Proofs must carry a nonce this server issued ({@code DPoP-Nonce}, {@code use_dpop_nonce}). */
    boolean nonces() {
        return nonces;
    }

    /** A nonce is accepted in the window it was issued in and the next one. */
    Duration nonceLifetime() {
        return nonceLifetime;
    }

    /** Empty: none configured, development mode ({@link DpopNonces}). */
    Optional<byte[]> configuredNonceSecret() {
        return nonceSecret.map(byte[]::clone);
    }
}
