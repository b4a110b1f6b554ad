package dev.latchkey.problem;

/**
 * Thrown by boundary and control code to end a request with a specific problem. Carries no
 * cause on purpose: the problem is the whole story the client gets, and the server log gets
 * only what the thrower chose to log.
 */
public class ProblemException extends RuntimeException implements CarriesProblem {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.title(), null, false, false);
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "invalid-request", "Bad Request", detail));
    }
}
