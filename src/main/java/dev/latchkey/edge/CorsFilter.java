package dev.latchkey.edge;

import dev.latchkey.http.CorsPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Applies {@link CorsPolicy}: answers preflights from allowed origins itself, and adds the CORS
 * headers to every other response. With CORS off (the default) it adds nothing.
 */
@WebFilter(filterName = "CorsFilter", urlPatterns = "/*")
public class CorsFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CorsPolicy cors;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (cors.answerPreflight(request, response)) {
            return;
        }
        cors.applyTo(request, response);
        chain.doFilter(request, response);
    }
}
