package dev.latchkey.web;

import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one error mapper: every exception that leaves a resource becomes a problem+json response.
 *
 * <p>Unexpected exceptions are logged by class and stack frames only. Their messages are left out
 * because libraries put input in them (a JSON parser quotes the document it choked on, a JDBC
 * driver quotes the statement's values), and input may be a password or a token.
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        return problemFor(exception).toResponse();
    }

    static Problem problemFor(Throwable exception) {
        if (exception instanceof ProblemException problemException) {
            return problemException.problem();
        }
        if (exception instanceof JsonException || exception instanceof JsonbException) {
            return Problem.of(400, "malformed-json", "Bad Request", "The request body is not valid JSON.");
        }
        if (exception instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            return problemForStatus(web);
        }
        LOG.log(Level.SEVERE, "Unhandled {0}; answered 500:\n{1}",
                new Object[] {exception.getClass().getName(), SafeStackTrace.of(exception)});
        return Problem.of(500, "internal-error", "Internal Server Error",
                "The server could not complete the request.");
    }

    private static Problem problemForStatus(WebApplicationException exception) {
        Response response = exception.getResponse();
        int status = response.getStatus();
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType != null ? statusType.getReasonPhrase() : "Client Error";
        Problem problem = switch (status) {
            case 404 -> Problem.of(404, "not-found", title, "No resource exists at this address.");
            case 405 -> Problem.of(405, "method-not-allowed", title, "This method is not allowed on this resource.");
            case 406 -> Problem.of(406, "not-acceptable", title, "No acceptable representation is available.");
            case 413 -> RequestLimits.payloadTooLarge();
            case 415 -> Problem.of(415, "unsupported-media-type", title, "The request body must be application/json.");
            case 401 -> Problem.of(401, "unauthorized", title, "Authentication is required.");
            case 403 -> Problem.of(403, "forbidden", title, "You are not allowed to do this.");
            default -> Problem.of(status, "client-error", title, "The request could not be processed.");
        };
        if (exception instanceof NotAllowedException && response.getHeaderString("Allow") != null) {
            problem = problem.withHeader("Allow", response.getHeaderString("Allow"));
        }
        return problem;
    }
}
