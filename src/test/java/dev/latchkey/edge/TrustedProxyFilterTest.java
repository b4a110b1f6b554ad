package dev.latchkey.edge;

import dev.latchkey.http.HttpSettings;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the filter hands the rest of the application as the client's address, from the request
 * the container gives it: every line of the one header the operator chose, in order.
 */
class TrustedProxyFilterTest {

    private static final String PROXY = "10.1.2.3";

    @Test
    void behindAnXForwardedForProxyAClientSentForwardedHeaderIsIgnored() throws Exception {
        // Most proxies write only X-Forwarded-For and pass a client's Forwarded header through.
        TrustedProxyFilter filter = filter("x-forwarded-for");
        assertEquals("203.0.113.9", clientSeenBehind(filter, PROXY, Map.of(
                "Forwarded", List.of("for=6.6.6.6"),
                "X-Forwarded-For", List.of("203.0.113.9"))));
    }

    @Test
    void behindAForwardedProxyAClientSentXForwardedForIsIgnored() throws Exception {
        TrustedProxyFilter filter = filter("forwarded");
        assertEquals("203.0.113.9", clientSeenBehind(filter, PROXY, Map.of(
                "Forwarded", List.of("for=203.0.113.9;proto=https"),
                "X-Forwarded-For", List.of("6.6.6.6"))));
        assertEquals(PROXY, clientSeenBehind(filter, PROXY, Map.of("X-Forwarded-For", List.of("6.6.6.6"))),
                "without the chosen header the proxy itself is the client");
    }

    /** HAProxy (option forwardfor) appends a header line of its own rather than extending the client's. */
    @Test
    void everyHeaderLineIsReadInOrderAsOneList() throws Exception {
        assertEquals("203.0.113.9", clientSeenBehind(filter("x-forwarded-for"), PROXY,
                Map.of("X-Forwarded-For", List.of("6.6.6.6, 7.7.7.7", "203.0.113.9"))));
        assertEquals("203.0.113.9", clientSeenBehind(filter("forwarded"), PROXY,
                Map.of("Forwarded", List.of("for=6.6.6.6", "for=203.0.113.9"))));
        // Two trusted hops, each adding its own line: the ingress's line is skipped too.
        assertEquals("203.0.113.9", clientSeenBehind(filter("x-forwarded-for"), PROXY,
                Map.of("X-Forwarded-For", List.of("6.6.6.6", "203.0.113.9", "10.9.9.9"))));
    }

    @Test
    void anUntrustedPeerKeepsItsOwnAddress() throws Exception {
        assertEquals("198.51.100.7", clientSeenBehind(filter("x-forwarded-for"), "198.51.100.7",
                Map.of("X-Forwarded-For", List.of("203.0.113.9"))));
    }

    private static TrustedProxyFilter filter(String header) throws ServletException {
        TrustedProxyFilter filter = new TrustedProxyFilter();
        filter.settings = HttpSettings.with(Map.of(HttpSettings.TRUSTED_PROXIES, "10.0.0.0/8",
                "latchkey.http.forwarded-header", header));
        filter.init((FilterConfig) Proxy.newProxyInstance(TrustedProxyFilterTest.class.getClassLoader(),
                new Class<?>[] {FilterConfig.class}, (proxy, method, args) -> null));
        return filter;
    }

    /** The remote address the next filter sees. Header names are case-insensitive, as in a container. */
    private static String clientSeenBehind(TrustedProxyFilter filter, String peer, Map<String, List<String>> headers)
            throws IOException, ServletException {
        Map<String, List<String>> byName = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(TrustedProxyFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr", "getRemoteHost" -> peer;
                    case "getHeader" -> byName.getOrDefault((String) args[0], List.of()).stream().findFirst().orElse(null);
                    case "getHeaders" -> Collections.enumeration(byName.getOrDefault((String) args[0], List.of()));
                    case "getHeaderNames" -> Collections.enumeration(byName.keySet());
                    case "getMethod" -> "GET";
                    case "getDispatcherType" -> jakarta.servlet.DispatcherType.REQUEST;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "request from " + peer;
                    default -> throw new UnsupportedOperationException(method.getName().toLowerCase(Locale.ROOT));
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(TrustedProxyFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        AtomicReference<String> seen = new AtomicReference<>();
        filter.doFilter(request, (ServletResponse) response, (req, res) -> seen.set(((HttpServletRequest) req).getRemoteAddr()));
        return seen.get();
    }
}
