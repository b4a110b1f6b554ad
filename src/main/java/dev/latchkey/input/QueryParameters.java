package dev.latchkey.input;

import dev.latchkey.problem.ProblemException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict query strings: only the parameters a route knows, each at most once, and the one way a
 * page size is read. A parameter the route does not know is refused rather than ignored, so that
 * a misspelt filter never returns everything.
 */
public final class QueryParameters {

    private final MultivaluedMap<String, String> values;

    private QueryParameters(MultivaluedMap<String, String> values) {
        this.values = values;
    }

    /** @throws ProblemException 400 for an unknown or repeated parameter */
    public static QueryParameters of(UriInfo uri, Set<String> allowed) {
        MultivaluedMap<String, String> values = uri.getQueryParameters();
        for (String name : values.keySet()) {
            if (!allowed.contains(name)) {
                throw ProblemException.badRequest("The query may contain only " + String.join(", ", new TreeSet<>(allowed)) + ".");
            }
            if (values.get(name).size() > 1) {
                throw ProblemException.badRequest("Query parameter '" + name + "' appears more than once.");
            }
        }
        return new QueryParameters(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.getFirst(name));
    }

    /** {@code limit}: a whole number from 1 to {@code max}, {@code defaultLimit} when absent. */
    public int limit(int defaultLimit, int max) {
        return get("limit").map(value -> {
            if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
                throw ProblemException.badRequest("limit must be a whole number from 1 to " + max + ".");
            }
            return Integer.parseInt(value);
        }).orElse(defaultLimit);
    }
}
