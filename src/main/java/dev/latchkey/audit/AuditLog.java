package dev.latchkey.audit;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.json.JsonValues;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.List;
import java.util.logging.Logger;

/**
 * Security events, one structured JSON line each, on the dedicated logger {@code latchkey.audit}
 * so operators can route them to their SIEM, and one row each in {@code audit_event} for the
 * administrators' and users' queries ({@link AuditTrail}). Callers pass identifiers only: the API
 * offers no place for a token, password or hash, so none can end up here.
 *
 * <p>Storing the row never fails, nor slows, the request the event describes: the line is written
 * first, the row is queued and written afterwards, and a row that cannot be stored is counted
 * ({@link AuditTrail#eventsNotStored()}) and reported with a warning.
 *
 * <p>An event recorded inside a transaction is written when the transaction ends, because only
 * then is it known to have happened: a login whose session never reached the database (its commit
 * failed under a database restart, and the client got a 503) must not stand in the trail as a
 * success. Such an event is still written, its outcome marked {@code _not_committed}: the attempt
 * is a fact a security team wants, its effect is not there. A transaction rolled back without a
 * commit being tried is a refusal the code chose (it recorded the refusal, then threw): that event
 * is written as recorded, since the refusal is exactly what happened.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("latchkey.audit");

    static final String NOT_COMMITTED = "_not_committed";

    @Inject
    AuditTrail trail;

    @Resource
    TransactionSynchronizationRegistry transactions;

    public void record(AuditEvent event, String outcome, String userId, String familyId, ClientInfo client) {
        write(new Entry(event, outcome, null, userId, familyId, null, null, null, null), client);
    }

    /**
     * An administrator's action on an account: {@code actor} is the administrator who took it,
     * {@code user} the account it was taken on.
     */
    public void recordAdminAction(AuditEvent event, String outcome, String actorId, String userId, ClientInfo client) {
        write(new Entry(event, outcome, actorId, userId, null, null, null, null, null), client);
    }

    /** An administrator replaced a user's roles: both sets, so the trail shows what was granted and taken. */
    public void recordRolesChange(String outcome, String actorId, String userId, List<String> before, List<String> after,
                                  ClientInfo client) {
        write(new Entry(AuditEvent.ADMIN_ROLES_CHANGED, outcome, actorId, userId, null, null, null, before, after), client);
    }

    /**
     * An administrator created, redefined or deleted a role: its permissions before and after
     * (after is empty for a deletion, before for a creation).
     */
    public void recordRoleDefinition(AuditEvent event, String outcome, String actorId, String role, List<String> before,
                                     List<String> after, ClientInfo client) {
        write(new Entry(event, outcome, actorId, null, null, "role", role, before, after), client);
    }

    /**
     * An administrator erased an account. The account is named only by a keyed pseudonym of its
     * id ({@code keys.RecordSealer#pseudonym}): the trail keeps no identifier of the erased person,
     * yet whoever holds the key can still match it to earlier lines.
     */
    public void recordErasure(String actorId, String userPseudonym, ClientInfo client) {
        write(new Entry(AuditEvent.ADMIN_ERASE_USER, "success", actorId, null, null, "user_pseudonym", userPseudonym, null, null),
                client);
    }

    /** An administrator's action on a signing key, named by its (public) {@code kid}. */
    public void recordKeyEvent(AuditEvent event, String outcome, String actorId, String kid, ClientInfo client) {
        write(new Entry(event, outcome, actorId, null, null, "kid", kid, null, null), client);
    }

    /** A queued mail that could not be delivered, named by its purpose (a template name). */
    public void recordMailEvent(AuditEvent event, String outcome, String userId, String purpose) {
        write(new Entry(event, outcome, null, userId, null, "mail", purpose, null, null), null);
    }

    /**
     * One event.
     *
     * @param subjectName what {@code subject} names ({@code kid}, {@code role}, {@code mail},
     *                    {@code user_pseudonym}), or null
     * @param before      for a change, the set before it, or null
     */
    record Entry(AuditEvent event, String outcome, String actorId, String userId, String familyId, String subjectName,
                 String subject, List<String> before, List<String> after) {

        Entry notCommitted() {
            return new Entry(event, outcome + NOT_COMMITTED, actorId, userId, familyId, subjectName, subject, before, after);
        }
    }

    private void write(Entry entry, ClientInfo client) {
        int status = transactions == null ? Status.STATUS_NO_TRANSACTION : transactions.getTransactionStatus();
        if (status == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                /** Called only when a commit is tried, never before a rollback. */
                private boolean commitTried;

                @Override
                public void beforeCompletion() {
                    commitTried = true;
                }

                @Override
                public void afterCompletion(int outcome) {
                    emit(commitTried && outcome != Status.STATUS_COMMITTED ? entry.notCommitted() : entry, client);
                }
            });
        } else {
            emit(entry, client);
        }
    }

    private void emit(Entry entry, ClientInfo client) {
        JsonObjectBuilder line = JsonValues.createObjectBuilder()
                .add("event", entry.event().code())
                .add("outcome", entry.outcome());
        JsonValues.addIfPresent(line, "actor", entry.actorId());
        JsonValues.addIfPresent(line, "user", entry.userId());
        JsonValues.addIfPresent(line, "family", entry.familyId());
        if (entry.subjectName() != null) {
            JsonValues.addIfPresent(line, entry.subjectName(), entry.subject());
        }
        if (entry.before() != null) {
            line.add("before", JsonValues.createArrayBuilder(entry.before())).add("after", JsonValues.createArrayBuilder(entry.after()));
        }
        if (client != null) {
            JsonValues.addIfPresent(line, "ip", client.ip());
            JsonValues.addIfPresent(line, "user_agent", client.userAgent());
        }
        // JSON encoding escapes quotes and line breaks in attacker-chosen values (log injection).
        LOG.info(line.build().toString());
        store(entry, client);
    }

    private void store(Entry entry, ClientInfo client) {
        if (trail == null || !AuditTrail.isStored(entry)) {
            // No trail outside a container (unit tests of the callers, the key tool).
            return;
        }
        if (!trail.enqueue(entry, client)) {
            trail.countNotStored(entry.event().code());
        }
    }
}
