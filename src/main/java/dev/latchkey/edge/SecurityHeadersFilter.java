package dev.latchkey.edge;

import dev.latchkey.http.SecurityHeaders;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Clock;

/**
 * Puts {@link SecurityHeaders} on every response that reaches the filter chain. Responses the
 * authentication mechanism ends before the chain get them from the mechanism itself.
 */
@WebFilter(filterName = "SecurityHeadersFilter", urlPatterns = "/*")
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient Clock clock;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        SecurityHeaders.applyTo(response);
        // RFC 9110 section 6.6.1: a server with a clock sends Date, and Payara's listener does not.
        // Clients need it: a DPoP proof's iat must be within seconds of this clock, and latchkey.js
        // corrects its proofs for a device clock that is off by the difference (docs/browser-client.md).
        response.setDateHeader("Date", clock.millis());
        chain.doFilter(request, response);
    }
}
