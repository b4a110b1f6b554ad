package dev.latchkey.edge;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemWriter;
import dev.latchkey.http.HeaderSyntax;
import dev.latchkey.http.RequestLimits;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;

/**
 * Refuses a request with a header over {@link RequestLimits#MAX_HEADER_CHARS}, a request head that
 * breaks {@link HeaderSyntax}'s rules, and a body whose declared length is over the limit before a
 * byte of it is read. Bodies without a declared length (chunked) are bounded where they are read,
 * by {@link dev.latchkey.http.BoundedBody}.
 *
 * <p>The authentication mechanism runs before any filter, so on protected resources an oversized
 * bearer token has already been refused there, as an invalid token (401).
 */
@WebFilter(filterName = "RequestLimitFilter", urlPatterns = "/*")
public class RequestLimitFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient ProblemWriter problems;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (hasOversizedHeader(request)) {
            problems.write(request, response, Problem.headerTooLarge());
            return;
        }
        if (!HeaderSyntax.isWellFormed(request)) {
            problems.write(request, response, Problem.malformedHeader());
            return;
        }
        if (request.getContentLengthLong() > RequestLimits.MAX_BODY_BYTES) {
            problems.write(request, response, Problem.payloadTooLarge());
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean hasOversizedHeader(HttpServletRequest request) {
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                if (value.length() > RequestLimits.MAX_HEADER_CHARS) {
                    return true;
                }
            }
        }
        return false;
    }
}
