package dev.latchkey.http;

import java.time.Duration;

/**
 * The size ceilings every request meets before any parsing. They bound the work an anonymous
 * caller can make the server do: no JSON document, header or token larger than these is read.
 */
public final class RequestLimits {

    /** No authentication request needs more than a few hundred bytes; 16 KiB leaves ample room. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** Our access tokens are under 1 KiB; anything over 8 KiB is refused before it is parsed. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;

    /**
     * No header Latchkey reads needs more; a longer one is refused before anything else reads it.
     * The HTTP listener refuses all headers together beyond 32 KiB
     * (server-config/payara/pre-boot-commands.asadmin).
     */
    public static final int MAX_HEADER_CHARS = 8 * 1024;

    /**
     * How long a request body may take to arrive, once Latchkey starts reading it ({@link BoundedBody}):
     * a login body is a few hundred bytes, sent at once by every real client. Checked after each
     * read, and each read is bounded by the listener's read timeout (5 s, server-config/), so a body
     * that trickles in holds a worker for at most about 15 s.
     */
    public static final Duration BODY_READ_DEADLINE = Duration.ofSeconds(10);

    private RequestLimits() {
    }
}
