package dev.latchkey.mail;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.keys.RecordSealer;
import dev.latchkey.metrics.CountersByTag;
import dev.latchkey.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the outbox. A commit that queued a message wakes it at once; a timer is the fallback
 * (for messages queued on a node that died before sending, and for retries). Failed attempts
 * are retried with exponential back-off until {@code latchkey.mail.give-up-after-seconds}, then
 * the message is dropped with an audit event. SMTP being slow or down only ever delays this
 * background work: no HTTP request waits for it.
 *
 * <p>Delivery is at least once, and once whenever this node lives: a message the SMTP server
 * accepted is never attempted again from here, even when the database refused the delete that
 * follows (issue 19's fault run: a notice mailed twice when PostgreSQL restarted between the two).
 * Such rows are kept in {@link #acceptedNotRemoved} and their delete is retried first in every
 * round. What can still send a message twice is the node dying in that gap, or the database staying
 * away longer than the claim (four SMTP timeouts): then another node's claim sends it again, because
 * losing a password-reset link or a security notice is worse than receiving it twice.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class.getName());
    private static final int BATCH = 50;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedExecutorService executor;

    @Inject
    OutboxRepository repository;

    @Inject
    MailDelivery delivery;

    @Inject
    RecordSealer sealer;

    @Inject
    MailSettings settings;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    Metrics metrics;

    /** The {@code outcome} tag of {@code latchkey.mail.deliveries}. */
    enum Delivery { SENT, FAILED, GAVE_UP }

    private CountersByTag<Delivery> deliveries;
    private volatile OutboxRepository.Backlog backlog = new OutboxRepository.Backlog(0, Optional.empty());
    private volatile Optional<Instant> lastSentAt = Optional.empty();

    /** Names this node's claims; a claim outlives any single attempt (connect, send, each bounded). */
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wokenWhileDraining = new AtomicBoolean();
    /** Ids of rows whose message the SMTP server accepted, and whose delete the database has not taken yet. */
    private final Set<String> acceptedNotRemoved = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> timer;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registerMeters();
        long seconds = settings.pollInterval().toSeconds();
        timer = scheduler.scheduleWithFixedDelay(this::drain, seconds, seconds, TimeUnit.SECONDS);
        if (settings.host().isEmpty()) {
            LOG.warning("No SMTP server configured (latchkey.mail.smtp.host): mail is written to "
                    + settings.directory().toAbsolutePath() + " for development. Configure SMTP before going live.");
        }
    }

    /** The backlog as the last delivery round found it (every poll interval at least). */
    void registerMeters() {
        deliveries = metrics.countersByTag("latchkey.mail.deliveries", "Delivery attempts by outcome", "outcome", Delivery.class);
        Gauge.builder("latchkey.mail.outbox.queued", this, sender -> sender.backlog.messages())
                .description("Messages in the outbox (all nodes), as of the last delivery round").register(metrics.registry());
        Gauge.builder("latchkey.mail.outbox.oldest.age", this, MailSender::oldestAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest message in the outbox, as of the last delivery round").register(metrics.registry());
    }

    private double oldestAgeSeconds() {
        return backlog.oldestQueuedAt().map(queuedAt -> Duration.between(queuedAt, clock.instant()).toMillis() / 1000.0)
                .orElse(0.0);
    }

    /**
     * Whether mail is stuck: a message has waited longer than {@code latchkey.mail.stalled-after-seconds}
     * and this node has delivered nothing for as long (SMTP down, or refusing us). Waiting mail
     * that is moving, or no mail at all, is not stuck.
     */
    public boolean isStalled() {
        Instant threshold = clock.instant().minus(settings.stalledAfter());
        boolean oldMailWaits = backlog.oldestQueuedAt().filter(queuedAt -> queuedAt.isBefore(threshold)).isPresent();
        return oldMailWaits && lastSentAt.filter(sentAt -> sentAt.isAfter(threshold)).isEmpty();
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    void wake(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.MailQueued queued) {
        executor.execute(this::drain);
    }

    /**
     * One drain at a time per node; a wake-up during a drain makes it go round once more. The
     * wake-up is recorded before the drain is claimed, and the drain looks for one again after it
     * let go: a wake-up that lands between a drain's last look and its release is then not lost
     * (it would otherwise wait for the timer, up to the poll interval).
     */
    void drain() {
        wokenWhileDraining.set(true);
        while (wokenWhileDraining.get() && draining.compareAndSet(false, true)) {
            try {
                while (wokenWhileDraining.getAndSet(false)) {
                    deliverDue();
                }
            } catch (Exception e) {
                // The next wake-up or tick tries again; nothing is lost while the rows stay.
                // Exception: a failed commit can surface as the checked RollbackException
                // (WildFly), and escaping the timer's task would stop it for good.
                LOG.log(Level.WARNING, "Mail delivery round failed: {0}", e.getClass().getName());
            } finally {
                draining.set(false);
            }
        }
    }

    void deliverDue() {
        List.copyOf(acceptedNotRemoved).forEach(this::remove);
        List<String> due = repository.due(clock.instant(), BATCH);
        for (String id : due) {
            if (acceptedNotRemoved.contains(id)) {
                continue;
            }
            Instant now = clock.instant();
            Duration lease = settings.timeout().multipliedBy(4);
            Optional<OutboxMessage> claimed = repository.claim(id, node, now, now.plus(lease));
            claimed.ifPresent(this::attempt);
        }
        backlog = repository.backlog();
    }

    private void attempt(OutboxMessage row) {
        Instant now = clock.instant();
        Optional<byte[]> opened = sealer.open(Outbox.SEALING_PURPOSE, row.id(), row.sealedMessage());
        if (opened.isEmpty()) {
            // Sealed under another key-encryption key, or altered: it can never be sent.
            giveUp(row, "unreadable");
            return;
        }
        try {
            delivery.deliver(row.id(), MailMessage.fromBytes(opened.get()));
        } catch (Exception e) {
            deliveries.increment(Delivery.FAILED);
            if (!now.isBefore(row.createdAt().plus(settings.giveUpAfter()))) {
                giveUp(row, "gave_up");
                return;
            }
            int failed = row.attempts() + 1;
            Duration delay = settings.retryDelay(failed);
            // The exception's class only: SMTP replies can quote the recipient.
            LOG.log(Level.WARNING, "Mail {0} ({1}) not delivered on attempt {2} ({3}); retrying in {4} s",
                    new Object[] {row.id(), row.purpose(), failed, e.getClass().getSimpleName(), delay.toSeconds()});
            repository.retryAt(row.id(), node, now.plus(delay));
            return;
        }
        deliveries.increment(Delivery.SENT);
        lastSentAt = Optional.of(clock.instant());
        remove(row.id());
    }

    /** The delete after an accepted message; when the database refuses it, kept for the next round. */
    private void remove(String id) {
        try {
            repository.delete(id, node);
            acceptedNotRemoved.remove(id);
        } catch (Exception databaseAway) {
            if (acceptedNotRemoved.add(id)) {
                LOG.log(Level.WARNING, "Mail {0} delivered; its outbox row will be removed when the database answers ({1})",
                        new Object[] {id, databaseAway.getClass().getSimpleName()});
            }
        }
    }

    private void giveUp(OutboxMessage row, String outcome) {
        repository.delete(row.id(), node);
        deliveries.increment(Delivery.GAVE_UP);
        LOG.warning(() -> "Mail " + row.id() + " (" + row.purpose() + ") dropped: " + outcome);
        audit.recordMailEvent(AuditEvent.MAIL_UNDELIVERABLE, outcome, row.userId(), row.purpose());
    }
}
