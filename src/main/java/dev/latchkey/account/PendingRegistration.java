package dev.latchkey.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A registration whose address is not verified yet (liquibase/changes/005-account-lifecycle.xml): not an account. */
@Entity
@Table(name = "pending_registration")
public class PendingRegistration {

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "email", nullable = false, length = 254)
    private String email;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected PendingRegistration() {
        // for JPA
    }

    PendingRegistration(String normalizedEmail, String passwordHash, Instant now, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.email = normalizedEmail;
        this.passwordHash = passwordHash;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    String id() {
        return id;
    }

    String email() {
        return email;
    }

    String passwordHash() {
        return passwordHash;
    }
}
