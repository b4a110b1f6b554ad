package dev.latchkey.admin;

import dev.latchkey.keys.RecordSealer;
import dev.latchkey.problem.ProblemException;

import java.nio.charset.StandardCharsets;

/**
 * The administrators' page cursors: the position after which the next page starts, sealed. Opaque
 * to the client, unforgeable (a cursor is only ever a position this server handed out), and no
 * e-mail address or user id in a URL, where access logs and browser history would keep it.
 */
final class PageCursors {

    /** The sealed record's version: a format change makes old cursors a clean 400, not a misread. */
    private static final String FORMAT = "v1";

    private PageCursors() {
    }

    /** @param purpose one per list, so that one list's cursor is refused by another */
    static String seal(RecordSealer sealer, String purpose, String position) {
        return sealer.seal(purpose, FORMAT, position.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws ProblemException 400 for anything this server did not seal for {@code purpose} */
    static String open(RecordSealer sealer, String purpose, String cursor) {
        return sealer.open(purpose, FORMAT, cursor)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .orElseThrow(() -> ProblemException.badRequest("The cursor is not one this server gave out."));
    }
}
