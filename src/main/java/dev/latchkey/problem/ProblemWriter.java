package dev.latchkey.problem;

import dev.latchkey.http.CorsPolicy;
import dev.latchkey.http.SecurityHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one writer of problem responses, for every layer: the JAX-RS exception mapper gets a
 * {@link Response}; the layers that answer before or outside JAX-RS (the authentication
 * mechanism, the edge filters, the container's error page) have it written to the servlet
 * response, with the security and CORS headers the filter chain would otherwise have added.
 */
@ApplicationScoped
public class ProblemWriter {

    @Inject
    CorsPolicy cors;

    public static Response response(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.toJson().toString());
        problem.headers().forEach(response::header);
        return response.build();
    }

    /** Replaces anything buffered so far with the problem, and ends the response (see the end for the one exception). */
    public void write(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        response.resetBuffer();
        SecurityHeaders.applyTo(response);
        cors.applyTo(request, response);
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        problem.headers().forEach(response::setHeader);
        byte[] body = problem.toJson().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        // Grizzly leaves Content-Type out of a response committed while a request that carries an
        // Upgrade header is still being served (HttpServerFilter.prepareResponse skips it until
        // afterService resets the flag), so such a problem is left for the container to commit
        // once the request is done; Latchkey upgrades nothing, and the bytes are the same.
        if (request.getHeader("Upgrade") == null) {
            response.flushBuffer();
        }
    }
}
