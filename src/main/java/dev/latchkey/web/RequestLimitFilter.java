package dev.latchkey.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Refuses a body whose declared length is over the limit before a byte of it is read. Bodies
 * without a declared length (chunked) are bounded where they are read, by {@link StrictJson}.
 */
@WebFilter(filterName = "RequestLimitFilter", urlPatterns = "/*")
public class RequestLimitFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getContentLengthLong() > RequestLimits.MAX_BODY_BYTES) {
            RequestLimits.payloadTooLarge().writeTo(response);
            return;
        }
        chain.doFilter(request, response);
    }
}
