package dev.latchkey.mail;

import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.SharedDatabase;
import dev.latchkey.testsupport.client.TestMailServer;
import dev.latchkey.testsupport.client.Timing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, the outbox in a cluster: two real Payara Micro nodes ({@link LatchkeyCluster}) share one
 * database and one SMTP server (GreenMail in this JVM, on a loopback port this class picked), so
 * both nodes' senders poll the same outbox rows. Every message must arrive, and exactly once: the
 * conditional UPDATE that claims a row ({@link OutboxRepository#claim}) is all that keeps a second
 * node from sending a row the first one is sending or has sent.
 *
 * <p>Every mail is queued while SMTP is down, so none is sent on the wake-up of the commit that
 * queued it: each waits in the table for a retry, and when SMTP comes back both nodes' timers
 * (every second) find the same due rows and claim them against each other. Each account gets two
 * messages, its verification mail (registration) and the notice of its password change, and each
 * recipient is counted per subject, so mail for other recipients cannot disturb the count (on
 * PostgreSQL the outbox is the suite's shared one, and its undelivered rows arrive here too).
 *
 * <p>The nodes start once for the class (each start costs half a minute or more); the test that
 * stops them starts them again before it ends, and should it fail halfway, {@link #wholeCluster()}
 * starts what it left down before the next test, so the tests run in any order.
 */
class OutboxClusterIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String NEW_PASSWORD = "a completely different passphrase";
    private static final String NOTICE = "Your Latchkey password was changed";
    private static final String VERIFY_MAIL = "Confirm your address for Latchkey";
    private static final int A = 0;
    private static final int B = 1;
    /** Generous: on PostgreSQL the shared outbox may hold a few hundred older rows to deliver first. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    /** Retries come every one or two seconds here and the timers tick every second: several rounds. */
    private static final long MORE_ROUNDS_MILLIS = 5_000;
    /**
     * A password change costs two bcrypt runs at cost 10 (well under a second even on the loaded
     * build machine); a request that waited for the SMTP server, or for even the first retry of
     * the outbox (one second here), would be slower. A median, so one stalled request cannot fail it.
     */
    private static final long FAST_MEDIAN_MILLIS = 1_000;

    private static LatchkeyCluster cluster;
    private static SharedDatabase database;
    private static int smtpPort;

    @BeforeAll
    static void startCluster() throws SQLException {
        smtpPort = freeLoopbackPort();
        database = SharedDatabase.forCluster("latchkey-outbox-cluster");
        cluster = new LatchkeyCluster(2, database.settings())
                .property(MailSettings.HOST, "127.0.0.1")
                .property(MailSettings.PORT, String.valueOf(smtpPort))
                .property(MailSettings.TLS, "none")
                // As arquillian.xml: a message waits one or two seconds between attempts, and the
                // timer that finds it again ticks every second.
                .property(MailSettings.FIRST_RETRY, "1")
                .property(MailSettings.LONGEST_RETRY, "2")
                .property(MailSettings.POLL_INTERVAL, "1");
        // The first node migrates the schema and generates the shared development key; the second
        // then finds both.
        cluster.start(A);
        cluster.start(B);
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void wholeCluster() {
        startNodesThatAreDown();
    }

    /**
     * Starts whichever nodes are down, together: by then the schema and the development key exist,
     * so no node has to go first. Does nothing when both run.
     */
    private static void startNodesThatAreDown() {
        int[] down = IntStream.range(0, cluster.size()).filter(node -> !cluster.isRunning(node)).toArray();
        if (down.length > 0) {
            cluster.start(down);
        }
    }

    @Test
    void withBothNodesSendingEveryMailQueuedWhileSmtpWasDownArrivesExactlyOnce() throws InterruptedException {
        List<String> recipients = changePasswordsWhileSmtpIsDown(20);

        try (TestMailServer smtp = TestMailServer.onPort(smtpPort).start()) {
            awaitEveryMail(smtp, recipients);
            // Both timers keep racing for due rows for several more rounds: a row claimed by both,
            // or claimed again after it was sent, would show up as a second copy.
            Thread.sleep(MORE_ROUNDS_MILLIS);
            assertEachArrivedOnce(smtp, recipients);
        }
    }

    @Test
    void mailQueuedBeforeTheWholeClusterStopsArrivesExactlyOnceAfterItStartsAgain() throws InterruptedException {
        List<String> recipients = changePasswordsWhileSmtpIsDown(6);

        try {
            // Both nodes down: nothing in any node's memory survives, only what was committed.
            cluster.stop(A, B);
            try (TestMailServer smtp = TestMailServer.onPort(smtpPort).start()) {
                startNodesThatAreDown();

                awaitEveryMail(smtp, recipients);
                Thread.sleep(MORE_ROUNDS_MILLIS);
                assertEachArrivedOnce(smtp, recipients);
            }
        } finally {
            startNodesThatAreDown();
        }
    }

    /**
     * With no SMTP server listening, registers {@code accounts} accounts and changes each one's
     * password, alternating between the nodes: every request succeeds, and fast, because it only
     * queues its mail. @return the accounts' addresses
     */
    private static List<String> changePasswordsWhileSmtpIsDown(int accounts) {
        List<String> recipients = new ArrayList<>();
        List<Long> changeMillis = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            Http http = cluster.http(i % 2 == 0 ? A : B);
            String email = Http.uniqueEmail();
            String accessToken = http.registerAndLogin(email, PASSWORD);
            long started = System.nanoTime();
            HttpResponse<String> change = http.changePassword(accessToken, PASSWORD, NEW_PASSWORD);
            changeMillis.add((System.nanoTime() - started) / 1_000_000);
            assertEquals(200, change.statusCode(), "no SMTP server is listening, and the request does not care: " + change.body());
            recipients.add(email);
        }
        long median = Timing.median(changeMillis);
        assertTrue(median < FAST_MEDIAN_MILLIS, "password changes took a median of " + median + " ms while SMTP was down: "
                + changeMillis);
        return recipients;
    }

    private static void awaitEveryMail(TestMailServer smtp, List<String> recipients) {
        Eventually.await("every one of " + recipients.size() + " accounts has its verification mail and its notice",
                DELIVERY_TIMEOUT, () -> recipients.stream().allMatch(email ->
                        !smtp.messagesTo(email, VERIFY_MAIL).isEmpty() && !smtp.messagesTo(email, NOTICE).isEmpty()));
    }

    /** One assertion over all recipients, so a failure lists every message that came twice (or not at all). */
    private static void assertEachArrivedOnce(TestMailServer smtp, List<String> recipients) {
        Map<String, Integer> copiesOfThoseNotReceivedOnce = new TreeMap<>();
        for (String email : recipients) {
            for (String subject : List.of(VERIFY_MAIL, NOTICE)) {
                int copies = smtp.messagesTo(email, subject).size();
                if (copies != 1) {
                    copiesOfThoseNotReceivedOnce.put(subject + " to " + email, copies);
                }
            }
        }
        assertEquals(Map.of(), copiesOfThoseNotReceivedOnce, "each of the " + 2 * recipients.size()
                + " queued messages was sent by exactly one node, once");
    }
}
