package dev.latchkey.http;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP edge: the public URL clients reach Latchkey at ({@code latchkey.public-url}, read
 * here and nowhere else), the reverse proxies whose forwarding headers are believed
 * ({@code latchkey.http.*}), and the origins CORS admits ({@code latchkey.cors.*}).
 */
@ApplicationScoped
public class HttpSettings extends Settings {

    public static final String PUBLIC_URL = "latchkey.public-url";
    public static final String TRUSTED_PROXIES = "latchkey.http.trusted-proxies";
    public static final String CORS_ALLOWED_ORIGINS = "latchkey.cors.allowed-origins";

    private String publicUrl;
    private TrustedProxies trustedProxies;
    private Set<String> corsAllowedOrigins;

    public static HttpSettings from(SettingsSource source) {
        return load(new HttpSettings(), source);
    }

    public static HttpSettings defaults() {
        return from(SettingsSource.defaults());
    }

    /** Settings with the given values and defaults for the rest (unit tests). */
    public static HttpSettings with(Map<String, String> values) {
        return from(SettingsSource.of(values));
    }

    @Override
    protected void load(SettingsSource source) {
        publicUrl = source.text(PUBLIC_URL, "http://localhost:8080");
        if (Origins.of(publicUrl).filter(origin -> origin.startsWith("https://") || origin.startsWith("http://")).isEmpty()) {
            throw new InvalidSettingException(PUBLIC_URL, "must be an http or https URL, such as https://auth.example.com");
        }
        trustedProxies = TrustedProxies.parse(source.text(TRUSTED_PROXIES, ""));
        corsAllowedOrigins = Origins.parseList(source.text(CORS_ALLOWED_ORIGINS, ""), HttpSettings::exactOrigin);
    }

    /** The URL clients reach Latchkey at, without a trailing slash. */
    public String publicUrl() {
        return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** Empty when CORS is off (the default). */
    public Set<String> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /**
     * Latchkey's requests carry credentials, so "*", "null", a path or a non-web scheme would let
     * other pages read responses with the user's credentials, or be a guess: they stop the start.
     */
    private static Optional<String> exactOrigin(String configured) {
        Optional<String> origin = Origins.of(configured);
        boolean web = origin.filter(o -> o.startsWith("https://") || o.startsWith("http://")).isPresent();
        if (!web || !origin.get().equals(configured.toLowerCase(Locale.ROOT))) {
            throw new InvalidSettingException(CORS_ALLOWED_ORIGINS, "must list origins such as "
                    + "https://app.example.com (scheme, host, optional port; no wildcard, path or 'null')");
        }
        return origin;
    }
}
