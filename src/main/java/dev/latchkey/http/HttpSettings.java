package dev.latchkey.http;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP edge: the public URL clients reach Latchkey at ({@code latchkey.public-url}, read
 * here and nowhere else), the reverse proxies whose forwarding header is believed and which header
 * that is ({@code latchkey.http.*}), and the origins CORS admits ({@code latchkey.cors.*}).
 */
@ApplicationScoped
public class HttpSettings extends Settings {

    public static final String PUBLIC_URL = "latchkey.public-url";
    public static final String TRUSTED_PROXIES = "latchkey.http.trusted-proxies";
    public static final String FORWARDED_HEADER = "latchkey.http.forwarded-header";
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
        trustedProxies = trustedProxies(source);
        corsAllowedOrigins = Origins.parseList(source.text(CORS_ALLOWED_ORIGINS, ""), HttpSettings::exactOrigin);
    }

    /**
     * Which header the trusted proxies write is the operator's to say, never guessed: a proxy
     * writes one of them and passes the other through from the client, so guessing wrong, or
     * preferring one when both are present, lets the client choose its own address.
     */
    private static TrustedProxies trustedProxies(SettingsSource source) {
        String proxies = source.text(TRUSTED_PROXIES, "");
        Optional<String> headerSetting = source.optional(FORWARDED_HEADER);
        Set<String> allowed = new TreeSet<>();
        for (ForwardingHeader header : ForwardingHeader.values()) {
            allowed.add(header.setting());
        }
        Optional<ForwardingHeader> header = headerSetting.map(value -> ForwardingHeader.ofSetting(value).orElseThrow(() ->
                new InvalidSettingException(FORWARDED_HEADER, "must be one of " + allowed + " (was " + value + ")")));
        boolean anyProxy = !TrustedProxies.blocks(proxies).isEmpty();
        if (anyProxy && header.isEmpty()) {
            throw new InvalidSettingException(FORWARDED_HEADER, "must be set when " + TRUSTED_PROXIES + " is: "
                    + "x-forwarded-for if your proxies write X-Forwarded-For (nginx, HAProxy, Envoy, most load balancers), "
                    + "forwarded if they write the RFC 7239 Forwarded header. Only that header is read; the proxy must append "
                    + "to it or replace it, and the other header is ignored, since your proxy passes it through from the client.");
        }
        if (!anyProxy && header.isPresent()) {
            throw new InvalidSettingException(FORWARDED_HEADER, "is set, but " + TRUSTED_PROXIES + " lists no proxy, so no "
                    + "forwarding header would be read: set both, or neither");
        }
        return header.map(chosen -> TrustedProxies.of(proxies, chosen)).orElse(TrustedProxies.none());
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
