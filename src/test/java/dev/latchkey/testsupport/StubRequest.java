package dev.latchkey.testsupport;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as the container hands it to Latchkey's parsers, for unit and fuzz tests of those
 * parsers: method, path, headers (names case-insensitive, each with all its lines) and the
 * cookies the container parsed. Anything else a parser asks for fails the test, so a stub cannot
 * quietly answer what a real request would not.
 */
public final class StubRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final List<Cookie> cookies = new ArrayList<>();

    private StubRequest(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public static StubRequest of(String method, String path) {
        return new StubRequest(method, path);
    }

    public StubRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        return this;
    }

    /** A cookie, as the container parses it and in the {@code Cookie} header it came in. */
    public StubRequest cookie(String name, String value) {
        cookies.add(new Cookie(name, value));
        return header("Cookie", name + "=" + value);
    }

    public HttpServletRequest build() {
        return (HttpServletRequest) Proxy.newProxyInstance(StubRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> path;
                    case "getContextPath" -> "";
                    case "getHeaders" -> Collections.enumeration(headers.getOrDefault(((String) args[0]).toLowerCase(Locale.ROOT), List.of()));
                    case "getHeader" -> headers.getOrDefault(((String) args[0]).toLowerCase(Locale.ROOT), List.of()).stream().findFirst().orElse(null);
                    case "getCookies" -> cookies.isEmpty() ? null : cookies.toArray(Cookie[]::new);
                    case "toString" -> "StubRequest[" + method + " " + path + "]";
                    default -> throw new UnsupportedOperationException("StubRequest does not answer " + called.getName());
                });
    }
}
