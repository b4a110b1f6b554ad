package dev.latchkey.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The one way Latchkey reads a request body: at most one byte past {@link RequestLimits#MAX_BODY_BYTES},
 * and for at most {@link RequestLimits#BODY_READ_DEADLINE}. Each blocking read is already bounded by
 * the listener's read timeout (server-config/), but a body that trickles in a byte just inside that
 * timeout would otherwise hold a worker for hours. Payara's listener has a total request deadline,
 * WildFly's has none, so the bound is Latchkey's own, on every server.
 */
public final class BoundedBody {

    public enum Outcome {
        READ,
        TOO_LARGE,
        TOO_SLOW
    }

    /** What was read; {@code bytes} is the whole body only when the outcome is {@link Outcome#READ}. */
    public record Result(byte[] bytes, Outcome outcome) {
    }

    private BoundedBody() {
    }

    /**
     * Reads until the end of the body, one byte past the limit, or the deadline, whichever comes
     * first. {@code nanoTime} is a monotonic time source (this measures an elapsed time, not a
     * point in time); tests move it instead of waiting.
     */
    public static Result read(InputStream body, LongSupplier nanoTime) throws IOException {
        if (body == null) {
            return new Result(new byte[0], Outcome.READ);
        }
        long deadline = nanoTime.getAsLong() + RequestLimits.BODY_READ_DEADLINE.toNanos();
        byte[] buffer = new byte[RequestLimits.MAX_BODY_BYTES + 1];
        int length = 0;
        while (length < buffer.length) {
            int read = body.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            length += read;
            if (nanoTime.getAsLong() - deadline > 0) {
                return new Result(Arrays.copyOf(buffer, length), Outcome.TOO_SLOW);
            }
        }
        Outcome outcome = length > RequestLimits.MAX_BODY_BYTES ? Outcome.TOO_LARGE : Outcome.READ;
        return new Result(Arrays.copyOf(buffer, length), outcome);
    }
}
