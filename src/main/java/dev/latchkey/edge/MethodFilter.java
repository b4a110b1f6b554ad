package dev.latchkey.edge;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemWriter;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;

/**
 * Only the methods Latchkey's resources use go further (issue 21): WebDAV verbs, unknown and
 * lowercase methods (HTTP methods are case-sensitive, so {@code get} is not GET) get a 405
 * problem here, before any servlet, rather than whatever a container servlet does with them.
 * TRACE and CONNECT never get this far on Payara: the listener refuses them itself
 * (docs/threat-model.md).
 */
@WebFilter(filterName = "MethodFilter", urlPatterns = "/*")
public class MethodFilter extends HttpFilter {

    static final Set<String> ALLOWED = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final long serialVersionUID = 1L;

    @Inject
    transient ProblemWriter problems;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!ALLOWED.contains(request.getMethod())) {
            // A client that sends such a method is not one of ours; its connection is not reused.
            problems.write(request, response, Problem.forStatus(405).withHeader("Allow", ALLOW).withHeader("Connection", "close"));
            return;
        }
        chain.doFilter(request, response);
    }
}
