package dev.latchkey.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * The promises, checked against the client's history after the run. Each violation names the
 * offending request, and the one it contradicts.
 */
final class Invariants {

    static final String ONE_SUCCESSOR = "no refresh token produced two different successors";
    static final String REVOKED_STAYS_REVOKED = "no request with a token ended before it was sent succeeded, on any node, after any restart";
    static final String READINESS = "readiness";
    static final String NO_SERVER_ERROR = "no 5xx but a 503 with Retry-After while a fault lasted, and every error a problem+json";
    static final String ANSWERED = "every request answered within the client's " + History.REQUEST_TIMEOUT.toSeconds()
            + " s while every node runs (the database or the SMTP server gone included)";
    static final String RECOVERY = "full service again without operator action within the bound";
    static final String MAIL_ONCE = "no queued mail lost or sent twice";
    static final List<String> ALL = List.of(ONE_SUCCESSOR, REVOKED_STAYS_REVOKED, NO_SERVER_ERROR, ANSWERED, RECOVERY,
            MAIL_ONCE);
    static final String LOST = "lost: ";
    private static final String SENT_TWICE = "sent twice: ";
    private static final String QUEUED_TWICE = "queued twice: ";
    private static final String AFTER_THE_PHASES = "after the phases";
    /** The subject of the notice every password change queues (templates/password-changed.txt). */
    static final String PASSWORD_CHANGED = "Your Latchkey password was changed";

    record Violation(String invariant, String phase, String detail) {
    }

    private Invariants() {
    }

    static List<Violation> check(List<Exchange> exchanges, List<Revocation> revocations, List<Phase> phases, long recoveryBoundSeconds) {
        List<Violation> violations = new ArrayList<>();
        oneSuccessor(exchanges, phases, violations);
        revokedStaysRevoked(exchanges, revocations, phases, violations);
        noServerError(exchanges, phases, violations);
        answered(exchanges, phases, violations);
        for (Phase phase : phases) {
            if (phase.faultAt() >= 0 && !phase.recovered()) {
                violations.add(new Violation(RECOVERY, phase.name(), "not back to full service " + recoveryBoundSeconds
                        + " s after the fault ended: every node ready, and a sign-in, a refresh and a read on each"));
            }
        }
        return violations;
    }

    private static void oneSuccessor(List<Exchange> exchanges, List<Phase> phases, List<Violation> violations) {
        Map<String, Exchange> firstSuccessor = new HashMap<>();
        for (Exchange exchange : exchanges) {
            if (exchange.status() != 200 || exchange.presented() == null || exchange.successor() == null) {
                continue;
            }
            Exchange first = firstSuccessor.putIfAbsent(exchange.presented(), exchange);
            if (first != null && !first.successor().equals(exchange.successor())) {
                violations.add(new Violation(ONE_SUCCESSOR, phaseOf(exchange, phases), first + "\n    and " + exchange));
            }
        }
    }

    private static void revokedStaysRevoked(List<Exchange> exchanges, List<Revocation> revocations, List<Phase> phases,
                                            List<Violation> violations) {
        Map<String, Revocation> byAccessToken = new HashMap<>();
        Map<String, Revocation> byRefreshToken = new HashMap<>();
        for (Revocation revocation : revocations) {
            byAccessToken.merge(History.hash(revocation.accessToken()), revocation, Invariants::earlier);
            byRefreshToken.merge(History.hash(revocation.refreshToken()), revocation, Invariants::earlier);
        }
        for (Exchange exchange : exchanges) {
            if (!exchange.succeeded()) {
                continue;
            }
            Optional.ofNullable(exchange.accessToken()).map(byAccessToken::get)
                    .or(() -> Optional.ofNullable(exchange.presented()).map(byRefreshToken::get))
                    .filter(revocation -> sentAfter(revocation, exchange))
                    .ifPresent(revocation -> violations.add(new Violation(REVOKED_STAYS_REVOKED, phaseOf(exchange, phases),
                            "ended by " + revocation.acknowledgement() + "\n    yet " + exchange)));
        }
    }

    /**
     * Whether the request was sent after the client learnt that the session ended. The clock is
     * in milliseconds, and a client presents an ended session right after the answer that ended
     * it, often within the same millisecond: for the client's own requests the order of its
     * history decides (an exchange is recorded when its answer came, and the client sends its
     * next request only then); for another client's, a later millisecond.
     */
    private static boolean sentAfter(Revocation revocation, Exchange exchange) {
        Exchange acknowledgement = revocation.acknowledgement();
        return acknowledgement.client().equals(exchange.client()) ? exchange.id() > acknowledgement.id()
                : acknowledgement.answeredAt() < exchange.sentAt();
    }

    private static Revocation earlier(Revocation one, Revocation other) {
        return one.acknowledgedAt() <= other.acknowledgedAt() ? one : other;
    }

    /**
     * A dependency that does not answer (a database whose packets are dropped) must not make
     * Latchkey hang: with every node running, no request of the load may go unanswered. Readiness
     * probes are left out: their own 2 s timeout is the balancer's, not a promise of the API.
     */
    private static void answered(List<Exchange> exchanges, List<Phase> phases, List<Violation> violations) {
        for (Exchange exchange : exchanges) {
            if (exchange.status() != 0 || exchange.operation().equals(READINESS)) {
                continue;
            }
            phases.stream().filter(phase -> phase.contains(exchange) && phase.everyNodeRuns()).findFirst()
                    .ifPresent(phase -> violations.add(new Violation(ANSWERED, phase.name(), "no answer: " + exchange)));
        }
    }

    private static void noServerError(List<Exchange> exchanges, List<Phase> phases, List<Violation> violations) {
        for (Exchange exchange : exchanges) {
            if (exchange.operation().equals(READINESS)) {
                // MicroProfile Health's own answer, 503 with its JSON while DOWN: the load balancer's
                // signal to send no traffic, not an answer of the API.
                continue;
            }
            if (exchange.status() >= 400 && !exchange.problem()) {
                violations.add(new Violation(NO_SERVER_ERROR, phaseOf(exchange, phases), "not a problem+json: " + exchange));
            } else if (exchange.status() >= 500) {
                boolean honestUnavailable = exchange.status() == 503 && exchange.retryAfter()
                        && phases.stream().anyMatch(phase -> phase.faultInForce(exchange));
                if (!honestUnavailable) {
                    violations.add(new Violation(NO_SERVER_ERROR, phaseOf(exchange, phases),
                            (exchange.status() == 503 ? (exchange.retryAfter() ? "503 with no fault in force: " : "503 without Retry-After: ")
                                    : "server error: ") + exchange));
                }
            }
        }
    }

    /**
     * Every password change answered 200 queued exactly one notice to the client's address: at
     * least that many distinct notices arrived (none lost), and no more than the changes that may
     * have committed (those answered 200, and those answered by nobody or with a 5xx, whose fate
     * the client cannot know), so none was queued twice. A notice is told apart from another by
     * its Message-ID, which names its outbox row (docs/mail.md).
     *
     * <p>A copy of a notice (a second message with the same Message-ID) is the outbox's documented
     * exception: a node killed between the SMTP server's acceptance of a message and the delete of
     * its row leaves the row to another node, which sends it again. A node delivers one message at
     * a time, so each {@code kill -9} can explain at most one copy; up to that many are reported in
     * {@code resentAfterKill}, not as violations, and any more are all violations.
     */
    record MailResult(List<Violation> violations, long resentAfterKill) {
    }

    static MailResult mailOnce(List<Exchange> exchanges, List<MailServer.Delivered> delivered, int nodesKilled) {
        Map<String, Long> confirmed = new HashMap<>();
        Map<String, Long> possible = new HashMap<>();
        for (Exchange exchange : exchanges) {
            if (exchange.operation().equals(LoadClient.CHANGE_PASSWORD)) {
                if (exchange.status() == 200) {
                    confirmed.merge(exchange.client(), 1L, Long::sum);
                }
                if (exchange.status() == 200 || exchange.status() == 0 || exchange.status() >= 500) {
                    possible.merge(exchange.client(), 1L, Long::sum);
                }
            }
        }
        Map<String, Set<String>> notices = new HashMap<>();
        Map<String, Long> copies = new HashMap<>();
        for (MailServer.Delivered message : delivered) {
            if (PASSWORD_CHANGED.equals(message.subject())) {
                LoadClient.clientOf(message.recipient()).ifPresent(client -> {
                    if (!notices.computeIfAbsent(client, any -> new HashSet<>()).add(message.messageId())) {
                        copies.merge(client + " " + message.messageId(), 1L, Long::sum);
                    }
                });
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (String client : possible.keySet()) {
            long arrived = notices.getOrDefault(client, Set.of()).size();
            long atLeast = confirmed.getOrDefault(client, 0L);
            long atMost = possible.get(client);
            if (arrived < atLeast) {
                violations.add(new Violation(MAIL_ONCE, AFTER_THE_PHASES, LOST + client + ": " + atLeast
                        + " password changes answered 200, " + arrived + " distinct notices delivered"));
            } else if (arrived > atMost) {
                violations.add(new Violation(MAIL_ONCE, AFTER_THE_PHASES, QUEUED_TWICE + client + ": " + atMost
                        + " password changes that may have committed, " + arrived + " distinct notices delivered"));
            }
        }
        for (Map.Entry<String, Set<String>> unexplained : notices.entrySet()) {
            if (!possible.containsKey(unexplained.getKey())) {
                violations.add(new Violation(MAIL_ONCE, AFTER_THE_PHASES, QUEUED_TWICE + unexplained.getKey()
                        + ": no password change, " + unexplained.getValue().size() + " distinct notices delivered"));
            }
        }
        long resent = copies.values().stream().mapToLong(Long::longValue).sum();
        if (resent <= nodesKilled) {
            return new MailResult(violations, resent);
        }
        copies.forEach((clientAndId, count) -> violations.add(new Violation(MAIL_ONCE, AFTER_THE_PHASES,
                SENT_TWICE + clientAndId + ": " + count + " more copies than one")));
        return new MailResult(violations, 0);
    }

    static String phaseOf(Exchange exchange, List<Phase> phases) {
        return phases.stream().filter(phase -> phase.contains(exchange)).map(Phase::name).findFirst().orElse(AFTER_THE_PHASES);
    }
}
