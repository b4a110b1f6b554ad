package dev.latchkey.csrf;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.http.HttpSettings;
import dev.latchkey.http.Origins;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.Set;

/**
 * The CSRF defence's configuration ({@code latchkey.csrf.*}): the secret that signs CSRF tokens,
 * and the origins allowed to send cookie-authenticated requests.
 *
 * <p>Every node of a cluster must share the secret, so in production it comes from the
 * environment ({@code LATCHKEY_CSRF_SECRET}, base64, at least 256 bits). Without it a development
 * secret is generated ({@link CsrfTokens}); a configured secret that is too short stops the
 * deployment rather than weakening every CSRF token.
 */
@ApplicationScoped
public class CsrfSettings extends Settings {

    public static final String SECRET = "latchkey.csrf.secret";
    public static final String ALLOWED_ORIGINS = "latchkey.csrf.allowed-origins";
    static final int MIN_SECRET_BYTES = 32;

    @Inject
    HttpSettings http;

    private Optional<byte[]> secret;
    private Set<String> allowedOrigins;

    public static CsrfSettings from(SettingsSource source, HttpSettings http) {
        CsrfSettings settings = new CsrfSettings();
        settings.http = http;
        return load(settings, source);
    }

    public static CsrfSettings defaults() {
        return from(SettingsSource.defaults(), HttpSettings.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        secret = source.secret(SECRET, MIN_SECRET_BYTES,
                "generate one with `openssl rand -base64 32` and give every node the same value (LATCHKEY_CSRF_SECRET)");
        // Without a list, the public URL's own origin is the only one: the pages Latchkey serves.
        allowedOrigins = Origins.parseList(source.text(ALLOWED_ORIGINS, http.publicUrl()), Origins::of);
    }

    /** Empty: no secret configured, development mode. */
    Optional<byte[]> configuredSecret() {
        return secret.map(byte[]::clone);
    }

    Set<String> allowedOrigins() {
        return allowedOrigins;
    }
}
