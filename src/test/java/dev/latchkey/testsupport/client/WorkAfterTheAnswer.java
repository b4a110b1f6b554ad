package dev.latchkey.testsupport.client;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * For timing a flow that answers first and works afterwards (forgot password, resend
 * verification): counts the attempts, and {@link #awaitDone()} waits until the server has finished
 * the work of every one of them, the attempts about unknown addresses included. That work ends
 * with the attempt's audit event, which every outcome stores; an attempt about an address with an
 * account also ends with its mail delivered and its outbox row gone.
 *
 * <p>Why every attempt's work, not only the mail: with the mail alone awaited, one position of the
 * four in {@link Timing}'s interleaving came out slower, and only it: an existing account timed
 * first after a wait, medians 3,138 to 3,304 µs against 1,965 to 2,484 µs for the other three,
 * in each of the three measurements of CI's failure on 2026-12-05. It was the one position whose
 * wait had let two attempts' work run (the unknown address's just before and the existing one's),
 * where the answer's code is the same for both. With every attempt's work awaited (and the
 * unknown addresses made beforehand, {@link Timing#freshAddresses}), forgot's ratio was 1.005 to
 * 1.17 in nine runs here that day.
 */
public final class WorkAfterTheAnswer {

    /**
     * Longer than the server waits before the work (100 ms, {@code AfterTheAnswer}) plus the audit
     * writer's interval (250 ms): a count that holds still this long has nothing more coming.
     */
    private static final long QUIET_MILLIS = 500;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Http http;
    private final TestMailServer smtp;
    private final String auditEvent;
    private final long eventsBefore;
    private final int mailsBefore;
    private long attempts;
    private int mailingAttempts;

    private WorkAfterTheAnswer(Http http, TestMailServer smtp, String auditEvent, long eventsBefore) {
        this.http = http;
        this.smtp = smtp;
        this.auditEvent = auditEvent;
        this.eventsBefore = eventsBefore;
        this.mailsBefore = smtp.received();
    }

    /**
     * Starts counting once the work of earlier tests' attempts has ended, so that none of it is
     * counted as this test's.
     *
     * @param auditEvent the code of the event that ends each attempt's work, as stored
     */
    public static WorkAfterTheAnswer start(Http http, TestMailServer smtp, String auditEvent) {
        long[] seen = {stored(http, auditEvent)};
        Eventually.await("no more " + auditEvent + " events arrive", WAIT, () -> {
            sleepQuietly();
            long now = stored(http, auditEvent);
            boolean still = now == seen[0];
            seen[0] = now;
            return still;
        });
        awaitEmptyOutbox(http);
        return new WorkAfterTheAnswer(http, smtp, auditEvent, seen[0]);
    }

    /** An attempt about an address whose work ends with a mail. */
    public <T> T mailing(Supplier<T> attempt) {
        mailingAttempts++;
        attempts++;
        return attempt.get();
    }

    /** An attempt about an address whose work sends nothing. */
    public <T> T silent(Supplier<T> attempt) {
        attempts++;
        return attempt.get();
    }

    /** Waits until every attempt so far has its event stored, and its mail, if any, delivered and its row gone. */
    public void awaitDone() {
        Eventually.await("every attempt's " + auditEvent + " event is stored", WAIT,
                () -> stored(http, auditEvent) >= eventsBefore + attempts);
        Eventually.await("every attempt's mail arrived", WAIT, () -> smtp.received() >= mailsBefore + mailingAttempts);
        awaitEmptyOutbox(http);
    }

    private static void awaitEmptyOutbox(Http http) {
        Eventually.await("the outbox is empty", WAIT, () -> http.get("/test-support/database/outbox/size").body().equals("0"));
    }

    private static long stored(Http http, String auditEvent) {
        return Long.parseLong(http.get("/test-support/database/audit/count?event=" + auditEvent).body());
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(QUIET_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the server to go quiet", e);
        }
    }
}
