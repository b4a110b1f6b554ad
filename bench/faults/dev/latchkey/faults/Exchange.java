package dev.latchkey.faults;

/**
 * One request of the history and what came back: the client's record, from which the invariants
 * are checked afterwards, as Jepsen checks a history. Tokens appear only as short hashes, so that
 * a printed violation names which token without carrying it.
 *
 * @param sentAt       milliseconds since the harness started, just before the request was sent
 * @param answeredAt   milliseconds since the harness started, when the answer (or the failure) came
 * @param status       the HTTP status; 0 when no answer came (timeout, reset, refused)
 * @param retryAfter   whether the answer carried {@code Retry-After}
 * @param problem      whether the answer's body was {@code application/problem+json}
 * @param accessToken  hash of the bearer token sent, or null
 * @param presented    hash of the refresh token sent, or null
 * @param successor    hash of the refresh token a 200 answer set, or null
 */
record Exchange(long id, String client, String operation, String target, long sentAt, long answeredAt, int status,
                String failure, boolean retryAfter, boolean problem, String accessToken, String presented, String successor) {

    boolean succeeded() {
        return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
        return "#" + id + " " + client + " " + operation + " via " + target + " sent at " + sentAt + " ms, answered "
                + (status == 0 ? "nothing (" + failure + ")" : String.valueOf(status)) + " at " + answeredAt + " ms"
                + (accessToken == null ? "" : ", access token " + accessToken)
                + (presented == null ? "" : ", refresh token " + presented)
                + (successor == null ? "" : ", successor " + successor);
    }
}
