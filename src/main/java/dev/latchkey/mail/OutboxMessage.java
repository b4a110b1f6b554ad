package dev.latchkey.mail;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A queued message (liquibase/changes/004-mail-outbox.xml); its content is sealed. */
@Entity
@Table(name = "mail_outbox")
public class OutboxMessage {

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "purpose", length = 40, nullable = false)
    private String purpose;

    @Column(name = "user_id", length = 36)
    private String userId;

    @Column(name = "sealed_message", nullable = false)
    private String sealedMessage;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "next_attempt_at", nullable = false)
    private Instant nextAttemptAt;

    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "claimed_by", length = 36)
    private String claimedBy;

    @Column(name = "claimed_until")
    private Instant claimedUntil;

    protected OutboxMessage() {
        // for JPA
    }

    OutboxMessage(String id, String purpose, String userId, String sealedMessage, Instant now) {
        this.id = id;
        this.purpose = purpose;
        this.userId = userId;
        this.sealedMessage = sealedMessage;
        this.createdAt = now;
        this.nextAttemptAt = now;
    }

    String id() {
        return id;
    }

    String purpose() {
        return purpose;
    }

    String userId() {
        return userId;
    }

    String sealedMessage() {
        return sealedMessage;
    }

    Instant createdAt() {
        return createdAt;
    }

    int attempts() {
        return attempts;
    }
}
