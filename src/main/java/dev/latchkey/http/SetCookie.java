package dev.latchkey.http;

/**
 * Builds {@code Set-Cookie} header values attribute by attribute, so that what goes on the wire is
 * exactly what the cookie contract in docs/security.md says (JAX-RS's NewCookie adds its own attributes).
 */
public final class SetCookie {

    private SetCookie() {
    }

    /**
     * @param maxAgeSeconds 0 deletes the cookie
     * @param httpOnly      false only for cookies that scripts must read (the CSRF token)
     */
    public static String header(String name, String value, String path, long maxAgeSeconds,
                                boolean secure, boolean httpOnly, String sameSite) {
        return header(name, value, path, java.util.OptionalLong.of(Math.max(0, maxAgeSeconds)), secure, httpOnly, sameSite);
    }

    /**
     * @param maxAgeSeconds empty for a session cookie: no {@code Max-Age} and no {@code Expires},
     *                      so the browser drops it when it closes
     */
    public static String header(String name, String value, String path, java.util.OptionalLong maxAgeSeconds,
                                boolean secure, boolean httpOnly, String sameSite) {
        StringBuilder header = new StringBuilder(name).append('=').append(value);
        maxAgeSeconds.ifPresent(seconds -> header.append("; Max-Age=").append(seconds));
        header.append("; Path=").append(path);
        if (secure) {
            header.append("; Secure");
        }
        if (httpOnly) {
            header.append("; HttpOnly");
        }
        header.append("; SameSite=").append(sameSite);
        return header.toString();
    }

    /**
     * Whether the request carries more than one cookie of this name. A cookie planted from a
     * sibling subdomain (a {@code Domain} cookie of the same name) arrives beside the genuine one,
     * and the two cannot be told apart; callers refuse such a request rather than pick one or act
     * as if neither was sent.
     */
    public static boolean presentedMoreThanOnce(jakarta.servlet.http.HttpServletRequest request, String name) {
        return timesPresented(request, name) > 1;
    }

    /**
     * How many cookies of this name the request's {@code Cookie} headers carry, counted in the
     * headers themselves: {@code getCookies()} cannot be trusted with this, since Undertow
     * (WildFly) keeps a single cookie of each name there, which hid a planted duplicate
     * (SessionLifecycleIT on WildFly). A semicolon never occurs inside a cookie (RFC 6265).
     */
    static int timesPresented(jakarta.servlet.http.HttpServletRequest request, String name) {
        java.util.Enumeration<String> lines = request.getHeaders("Cookie");
        int count = 0;
        while (lines != null && lines.hasMoreElements()) {
            for (String pair : lines.nextElement().split(";")) {
                int equals = pair.indexOf('=');
                if ((equals < 0 ? pair : pair.substring(0, equals)).trim().equals(name)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The value of the named cookie, when the request carries exactly one cookie of that name. */
    public static java.util.Optional<String> read(jakarta.servlet.http.HttpServletRequest request, String name) {
        jakarta.servlet.http.Cookie[] cookies = request.getCookies();
        if (cookies == null || presentedMoreThanOnce(request, name)) {
            // Two cookies of one name (one planted by a sibling subdomain, say): trust neither.
            return java.util.Optional.empty();
        }
        return java.util.Arrays.stream(cookies).filter(cookie -> name.equals(cookie.getName())).findFirst()
                .map(jakarta.servlet.http.Cookie::getValue).filter(v -> !v.isEmpty());
    }
}
