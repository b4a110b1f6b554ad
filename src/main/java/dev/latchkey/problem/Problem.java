package dev.latchkey.problem;

import dev.latchkey.http.RequestLimits;
import dev.latchkey.json.JsonValues;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An RFC 9457 problem detail: the only shape an error takes in Latchkey, whichever layer
 * (JAX-RS, servlet filter, authentication mechanism) produces it.
 *
 * <p>The {@code detail} is always a fixed, server-authored sentence. Client input, exception
 * messages and stack traces never reach it, so nothing a caller sent (a password, a token) can be
 * echoed back, and nothing about the server's internals leaks.
 *
 * <p>A problem may carry extension members (RFC 9457 section 3.2): string values beside the
 * standard members, for what a client can act on (the password rule that failed, for one). The
 * same rule holds for them as for {@code detail}: each value is a fixed, server-authored word,
 * never input.
 */
public record Problem(int status, String type, String title, String detail, Map<String, String> headers,
                      Map<String, String> members) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The members RFC 9457 defines; an extension may not take their names. */
    private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    /** RFC 9457 section 3.2: a letter, then letters, digits and underscores, at least three characters. */
    private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{2,}");

    public Problem {
        Objects.requireNonNull(type);
        Objects.requireNonNull(title);
        Objects.requireNonNull(detail);
        headers = Map.copyOf(headers);
        members = Collections.unmodifiableMap(new TreeMap<>(members));
        for (Map.Entry<String, String> member : members.entrySet()) {
            if (!MEMBER_NAME.matcher(member.getKey()).matches() || STANDARD_MEMBERS.contains(member.getKey())) {
                throw new IllegalArgumentException("Not an extension member name: " + member.getKey());
            }
            Objects.requireNonNull(member.getValue());
        }
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, "urn:latchkey:problem:" + slug, title, detail, Map.of(), Map.of());
    }

    /**
     * This node cannot answer safely right now (it may be missing revocations, for one): nothing
     * was done, and the client may retry, on a healthy node if the load balancer moved it.
     */
    public static Problem unavailableHere() {
        return forStatus(503).withHeader("Retry-After", "5");
    }

    public static Problem payloadTooLarge() {
        return of(413, "payload-too-large", "Content Too Large",
                "The request body is larger than " + RequestLimits.MAX_BODY_BYTES + " bytes.");
    }

    /** RFC 6585: 431 Request Header Fields Too Large. */
    public static Problem headerTooLarge() {
        return of(431, "header-too-large", "Request Header Fields Too Large",
                "A request header is longer than " + RequestLimits.MAX_HEADER_CHARS + " characters.");
    }

    /**
     * The body did not arrive within {@link RequestLimits#BODY_READ_DEADLINE}. The connection is
     * closed: the rest of a body that is still on its way cannot be told from a next request.
     */
    public static Problem requestTimeout() {
        return of(408, "request-timeout", "Request Timeout",
                "The request body did not arrive within " + RequestLimits.BODY_READ_DEADLINE.toSeconds() + " seconds.")
                .withHeader("Connection", "close");
    }

    /**
     * A request head that breaks the rules of {@link dev.latchkey.http.HeaderSyntax}. The connection
     * is closed after it: nothing else the client sent can be trusted to frame a next request.
     */
    public static Problem malformedHeader() {
        return of(400, "malformed-header", "Bad Request", "The request line or a request header is malformed.")
                .withHeader("Connection", "close");
    }

    /**
     * A request target that is not a path ({@code *}, {@code host:443}), which WildFly's listener
     * hands to {@link ContainerErrorServlet}. The connection is closed, as after a malformed head.
     */
    public static Problem invalidTarget() {
        return of(400, "invalid-target", "Bad Request", "The request target must be a path.").withHeader("Connection", "close");
    }

    /** The generic problem for a status that carries no more specific story. */
    public static Problem forStatus(int status) {
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType != null ? statusType.getReasonPhrase() : (status < 500 ? "Client Error" : "Server Error");
        return switch (status) {
            case 400 -> of(400, "invalid-request", title, "The request is malformed.");
            case 401 -> of(401, "unauthorized", title, "Authentication is required.");
            case 403 -> of(403, "forbidden", title, "You are not allowed to do this.");
            case 404 -> of(404, "not-found", title, "No resource exists at this address.");
            case 405 -> of(405, "method-not-allowed", title, "This method is not allowed on this resource.");
            case 406 -> of(406, "not-acceptable", title, "No acceptable representation is available.");
            case 413 -> payloadTooLarge();
            case 415 -> of(415, "unsupported-media-type", title, "The request body must be application/json.");
            case 503 -> of(503, "unavailable", title, "The service is temporarily unavailable on this node. Try again shortly.");
            default -> status < 500
                    ? of(status, "client-error", title, "The request could not be processed.")
                    : of(500, "internal-error", "Internal Server Error", "The server could not complete the request.");
        };
    }

    public Problem withHeader(String name, String value) {
        var merged = new java.util.HashMap<>(headers);
        merged.put(name, value);
        return new Problem(status, type, title, detail, merged, members);
    }

    /**
     * The same problem with one more extension member. The value must be a fixed, server-authored
     * word (never input); the name follows RFC 9457 and is none of the standard members.
     */
    public Problem withMember(String name, String value) {
        var merged = new java.util.HashMap<>(members);
        merged.put(name, value);
        return new Problem(status, type, title, detail, headers, merged);
    }

    public JsonObject toJson() {
        JsonObjectBuilder body = JsonValues.createObjectBuilder()
                .add("type", type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
        members.forEach(body::add);
        return body.build();
    }
}
