package dev.latchkey.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored security event (liquibase/changes/010-audit-event.xml): identifiers only, never a
 * token, a password, a hash or an address.
 */
@Entity
@Table(name = "audit_event")
public class AuditRecord {

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(name = "event", nullable = false, length = 40)
    private String event;

    @Column(name = "outcome", nullable = false, length = 40)
    private String outcome;

    /** The administrator who acted, when one did. */
    @Column(name = "actor_id", length = 64)
    private String actorId;

    /** The account concerned: its id, or the pseudonym of an erased one. */
    @Column(name = "user_id", length = 64)
    private String userId;

    @Column(name = "session_id", length = 36)
    private String sessionId;

    /** What else the event names, as {@code kind:value}: {@code kid:…}, {@code role:…}, {@code mail:…}. */
    @Column(name = "subject", length = 120)
    private String subject;

    @Column(name = "ip", length = 64)
    private String ip;

    @Column(name = "user_agent", length = 512)
    private String userAgent;

    /** For a change, {@code {"before":[…],"after":[…]}}. */
    @Column(name = "details", length = 4000)
    private String details;

    protected AuditRecord() {
        // for JPA
    }

    AuditRecord(Instant occurredAt, String event, String outcome, String actorId, String userId, String sessionId,
                String subject, String ip, String userAgent, String details) {
        this.id = UUID.randomUUID().toString();
        this.occurredAt = occurredAt;
        this.event = event;
        this.outcome = outcome;
        this.actorId = actorId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.subject = subject;
        this.ip = ip;
        this.userAgent = userAgent;
        this.details = details;
    }

    public String id() {
        return id;
    }

    public Instant occurredAt() {
        return occurredAt;
    }

    public String event() {
        return event;
    }

    public String outcome() {
        return outcome;
    }

    public String actorId() {
        return actorId;
    }

    public String userId() {
        return userId;
    }

    public String sessionId() {
        return sessionId;
    }

    public String subject() {
        return subject;
    }

    public String ip() {
        return ip;
    }

    public String userAgent() {
        return userAgent;
    }

    public String details() {
        return details;
    }
}
