package dev.latchkey.problem;

import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one error mapper: every exception that leaves a resource becomes a problem+json response.
 *
 * <p>A database or cluster that does not answer is not a fault of Latchkey's: such a failure is a
 * 503 with {@code Retry-After} ({@link UnreachableDependency}), counted in one line a minute.
 *
 * <p>Unexpected exceptions are logged by class and stack frames only. Their messages are left out
 * because libraries put input in them (a JSON parser quotes the document it choked on, a JDBC
 * driver quotes the statement's values), and input may be a password or a token.
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class.getName());

    /** Each request of an outage runs into it: one line a minute, never a stack trace each. */
    private static final CountedWarning UNREACHABLE = new CountedWarning(LOG,
            "Requests answered 503 since the last line like this (at most one a minute) because a dependency"
            + " did not answer: {0}. Readiness says which; they recover without a restart once it answers.");

    @Override
    public Response toResponse(Throwable exception) {
        return ProblemWriter.response(problemFor(exception));
    }

    static Problem problemFor(Throwable exception) {
        if (exception instanceof CarriesProblem carrier) {
            return carrier.problem();
        }
        if (exception instanceof JsonException || exception instanceof JsonbException) {
            return Problem.of(400, "malformed-json", "Bad Request", "The request body is not valid JSON.");
        }
        if (exception instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            return problemForStatus(web);
        }
        Optional<String> unreachable = UnreachableDependency.of(exception);
        if (unreachable.isPresent()) {
            UNREACHABLE.count(unreachable.get());
            return Problem.unavailableHere();
        }
        LOG.log(Level.SEVERE, "Unhandled {0}; answered 500:\n{1}",
                new Object[] {exception.getClass().getName(), SafeStackTrace.of(exception)});
        return Problem.forStatus(500);
    }

    private static Problem problemForStatus(WebApplicationException exception) {
        Response response = exception.getResponse();
        Problem problem = Problem.forStatus(response.getStatus());
        if (exception instanceof NotAllowedException && response.getHeaderString("Allow") != null) {
            problem = problem.withHeader("Allow", response.getHeaderString("Allow"));
        }
        return problem;
    }
}
