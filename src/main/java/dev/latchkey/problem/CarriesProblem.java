package dev.latchkey.problem;

/**
 * An exception that knows the problem its request ends with. {@link ProblemException} is the
 * usual one; an exception that must stay an ordinary runtime exception (so that transactions
 * still roll back on it) implements this instead, and the one mapper answers both alike.
 */
public interface CarriesProblem {

    Problem problem();
}
