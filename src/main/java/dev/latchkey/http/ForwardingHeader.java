package dev.latchkey.http;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one header that trusted proxies write the client's address into
 * ({@code latchkey.http.forwarded-header}). Exactly one is believed: a proxy that writes one of
 * them passes the other through from the client untouched, so believing both, or guessing which,
 * lets a client choose its own address.
 */
public enum ForwardingHeader {

    /** RFC 7239: {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED("forwarded", "Forwarded"),

    /** The de-facto standard of nginx, HAProxy, Envoy and the cloud load balancers: {@code X-Forwarded-For: 192.0.2.60, 198.51.100.17}. */
    X_FORWARDED_FOR("x-forwarded-for", "X-Forwarded-For");

    private final String setting;
    private final String headerName;

    ForwardingHeader(String setting, String headerName) {
        this.setting = setting;
        this.headerName = headerName;
    }

    /** How the setting spells it. */
    public String setting() {
        return setting;
    }

    /** The HTTP header's name. */
    public String headerName() {
        return headerName;
    }

    static Optional<ForwardingHeader> ofSetting(String value) {
        return Arrays.stream(values()).filter(header -> header.setting.equals(value)).findFirst();
    }
}
