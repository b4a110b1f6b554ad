package dev.latchkey.problem;

import jakarta.annotation.Priority;
import jakarta.transaction.TransactionalException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Not a second error mapper but a hook for the first: Jersey registers its own mapper for
 * {@link TransactionalException}, which is more specific than {@link ProblemExceptionMapper}'s
 * {@code Throwable} and rethrows, so Payara would answer with its HTML error page. This one
 * claims the type and hands it to {@link ProblemExceptionMapper}.
 */
@Provider
@Priority(1)
public class TransactionalExceptionProblemMapper implements ExceptionMapper<TransactionalException> {

    @Override
    public Response toResponse(TransactionalException exception) {
        return ProblemWriter.response(ProblemExceptionMapper.problemFor(exception));
    }
}
