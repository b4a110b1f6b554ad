package dev.latchkey.audit;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.json.JsonValues;
import dev.latchkey.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stored audit trail: fed by {@link AuditLog} through a bounded queue that a writer drains
 * every quarter of a second ({@link AuditWriter}, up to 500 rows a transaction), read by administrators
 * ({@code GET /admin/audit}) and by each user for their own account ({@code GET /auth/activity}),
 * pruned by housekeeping after {@code latchkey.audit.retention-days}.
 */
@ApplicationScoped
public class AuditTrail {

    /**
     * Events a user sees of their own account: what they did, or what was done to it, that they
     * would want to know they did not do.
     */
    public static final Set<String> OWN_ACTIVITY = Set.of("login", "login_second_factor", "logout_all", "session_revoked",
            "refresh_reuse_detected", "refresh_without_bound_key", "password_change", "password_reset_requested", "password_reset", "email_verified",
            "mfa_enabled", "mfa_disabled", "mfa_recovery_codes_issued", "admin_revoke_tokens", "admin_disable_user",
            "admin_enable_user", "admin_roles_changed", "admin_password_reset", "admin_mfa_reset", "admin_role_granted");

    private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());
    private static final long WRITE_INTERVAL_MILLIS = 250;
    private static final int BATCH = 500;
    private static final int QUEUE_CAPACITY = 50_000;

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    AuditWriter writer;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Metrics metrics;

    private final BlockingQueue<AuditRecord> pending = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong notStored = new AtomicLong();
    private ScheduledFuture<?> task;

    /**
     * A routine refresh is not stored: it happens every few minutes in every session, and a table
     * that grows with refreshes is what the session design avoids. Its refusals and reuse are.
     */
    static boolean isStored(AuditLog.Entry entry) {
        return !(entry.event() == AuditEvent.REFRESH && (entry.outcome().equals("success") || entry.outcome().equals("grace_replay")));
    }

    /**
     * Queues the event for the writer: the request never waits for the table, and never holds a
     * second connection for it (with every pooled connection held by a request, a request that
     * waited for one to store its event would wait for itself).
     *
     * @return false when the queue is full: the event is not stored
     */
    boolean enqueue(AuditLog.Entry entry, ClientInfo client) {
        String subject = entry.subjectName() == null || entry.subjectName().equals("user_pseudonym") ? null
                : entry.subjectName() + ":" + entry.subject();
        String userId = "user_pseudonym".equals(entry.subjectName()) ? entry.subject() : entry.userId();
        String details = entry.before() == null ? null : JsonValues.createObjectBuilder()
                .add("before", JsonValues.createArrayBuilder(entry.before()))
                .add("after", JsonValues.createArrayBuilder(entry.after())).build().toString();
        return pending.offer(new AuditRecord(clock.instant(), entry.event().code(), entry.outcome(), entry.actorId(), userId,
                entry.familyId(), truncate(subject, 120), client == null ? null : truncate(client.ip(), 64),
                client == null ? null : truncate(client.userAgent(), 512), truncate(details, 4000)));
    }

    @PostConstruct
    void startWriter() {
        FunctionCounter.builder("latchkey.audit.events.lost", notStored, AtomicLong::get)
                .description("Audit events logged but not stored (queue full, or the table write failed)")
                .register(metrics.registry());
        Gauge.builder("latchkey.audit.events.queued", pending, BlockingQueue::size)
                .description("Audit events waiting for the writer").register(metrics.registry());
        task = scheduler.scheduleWithFixedDelay(this::drain, WRITE_INTERVAL_MILLIS, WRITE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopWriter() {
        if (task != null) {
            task.cancel(false);
        }
        drain();
    }

    /**
     * Stores what is queued, a batch per transaction. A batch that fails is dropped and counted,
     * not retried: the log lines already carry those events, and a retry loop against a broken
     * table would hold the queue up for every later event.
     */
    synchronized void drain() {
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        while (true) {
            batch.clear();
            AuditRecord next;
            while (batch.size() < BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                writer.insert(batch);
            } catch (Exception e) {
                // Exception, not RuntimeException: WildFly's transaction interceptor lets the
                // checked RollbackException of a failed commit through (the insert is flushed at
                // commit), and one escaping this scheduled task would end it for good.
                long lost = notStored.addAndGet(batch.size());
                // The class name only: a driver's message can quote the row.
                LOG.log(Level.WARNING, "{0} audit events were logged but not stored ({1}); events not stored since start: {2}",
                        new Object[] {batch.size(), e.getClass().getName(), lost});
            }
        }
    }

    /** Counts an event the queue had no room for. */
    void countNotStored(String eventCode) {
        long lost = notStored.incrementAndGet();
        LOG.log(Level.WARNING, "Audit event {0} was logged but not stored (queue full); events not stored since start: {1}",
                new Object[] {eventCode, lost});
    }

    /** How many events this node logged but did not store since it started. */
    public long eventsNotStored() {
        return notStored.get();
    }

    /** Where a page ends: the last event's time and id (events are read newest first). */
    public record Position(Instant occurredAt, String id) {
    }

    /**
     * A page of events, newest first, keyset-paginated on (time, id).
     *
     * @param user  an account id (or an erased account's pseudonym): events concerning it
     * @param after the previous page's last position, empty for the first page
     */
    public List<AuditRecord> search(Optional<String> user, Optional<String> event, Optional<Instant> since,
                                    Optional<Instant> until, Optional<Position> after, int limit) {
        StringBuilder jpql = new StringBuilder("SELECT e FROM AuditRecord e WHERE 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        user.ifPresent(id -> {
            jpql.append(" AND e.userId = :user");
            parameters.put("user", id);
        });
        event.ifPresent(code -> {
            jpql.append(" AND e.event = :event");
            parameters.put("event", code);
        });
        since.ifPresent(from -> {
            jpql.append(" AND e.occurredAt >= :since");
            parameters.put("since", from);
        });
        until.ifPresent(to -> {
            jpql.append(" AND e.occurredAt < :until");
            parameters.put("until", to);
        });
        after.ifPresent(position -> {
            jpql.append(" AND (e.occurredAt < :afterTime OR (e.occurredAt = :afterTime AND e.id < :afterId))");
            parameters.put("afterTime", position.occurredAt());
            parameters.put("afterId", position.id());
        });
        jpql.append(" ORDER BY e.occurredAt DESC, e.id DESC");
        TypedQuery<AuditRecord> query = em.createQuery(jpql.toString(), AuditRecord.class).setMaxResults(limit);
        parameters.forEach(query::setParameter);
        return query.getResultList();
    }

    /** The user's own recent security events, newest first. */
    public List<AuditRecord> activityOf(String userId, int limit) {
        return em.createQuery("SELECT e FROM AuditRecord e WHERE e.userId = :user AND e.event IN :events"
                        + " ORDER BY e.occurredAt DESC, e.id DESC", AuditRecord.class)
                .setParameter("user", userId)
                .setParameter("events", OWN_ACTIVITY)
                .setMaxResults(limit)
                .getResultList();
    }

    /**
     * Part of erasing an account, once the erasure has committed: its events stay, under the
     * pseudonym, so the trail keeps its shape and nothing in it names the person. The queue is
     * written first, under the writer's lock, so that no event of the account still waiting in it
     * (or in a batch being written) lands afterwards with the id.
     */
    public synchronized void pseudonymize(String userId, String pseudonym) {
        drain();
        writer.pseudonymize(userId, pseudonym);
    }

    /** @return how many events older than the retention were deleted */
    @Transactional
    public int prune(Instant before) {
        return em.createQuery("DELETE FROM AuditRecord e WHERE e.occurredAt < :before").setParameter("before", before).executeUpdate();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
