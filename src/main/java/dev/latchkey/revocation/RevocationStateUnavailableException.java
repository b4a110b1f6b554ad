package dev.latchkey.revocation;

import dev.latchkey.problem.CarriesProblem;
import dev.latchkey.problem.Problem;

/**
 * The revocation list cannot be read or written here and now: this node sits in a minority
 * partition of the cluster. Callers must refuse rather than guess (fail closed), and the request
 * ends with this exception's problem: 503 with Retry-After, since nothing was promised to the
 * client and it may retry on a healthy node. Not a ProblemException: a transaction that meets it
 * must roll back.
 */
public class RevocationStateUnavailableException extends RuntimeException implements CarriesProblem {

    private static final long serialVersionUID = 1L;

    RevocationStateUnavailableException(Throwable cause) {
        super("The revocation list is unavailable on this node", cause);
    }

    @Override
    public Problem problem() {
        return Problem.unavailableHere();
    }
}
