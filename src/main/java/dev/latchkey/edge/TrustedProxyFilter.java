package dev.latchkey.edge;

import dev.latchkey.http.HttpSettings;
import dev.latchkey.http.TrustedProxies;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Behind configured trusted proxies, makes {@code getRemoteAddr()} the client's address (from every
 * line of the one header the operator chose, {@code Forwarded} or {@code X-Forwarded-For}; see
 * {@link TrustedProxies}), so that rate limits, session records and audit lines see the client
 * rather than the proxy. Without trusted proxies (the default) no header is read: a client cannot
 * choose its own address.
 */
@WebFilter(filterName = "TrustedProxyFilter", urlPatterns = "/*")
public class TrustedProxyFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient HttpSettings settings;

    private transient TrustedProxies trustedProxies;

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        trustedProxies = settings.trustedProxies();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (trustedProxies.isEmpty() || !trustedProxies.trusts(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        // Every line, in order: a proxy may append a line of its own rather than extend the last.
        Enumeration<String> lines = request.getHeaders(trustedProxies.header().orElseThrow().headerName());
        String client = trustedProxies.clientAddress(request.getRemoteAddr(),
                lines == null ? List.of() : Collections.list(lines));
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteAddr() {
                return client;
            }

            @Override
            public String getRemoteHost() {
                return client;
            }
        }, response);
    }
}
