package dev.latchkey.revocation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The durable form of one revocation-list entry (liquibase/changes/002-token-family.xml). */
@Entity
@Table(name = "revocation")
public class RevocationRecord {

    @Id
    @Column(name = "revocation_key", length = 100)
    private String key;

    @Column(name = "not_before", nullable = false)
    private Instant notBefore;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected RevocationRecord() {
        // for JPA
    }

    RevocationRecord(String key, Revocation revocation) {
        this.key = key;
        this.notBefore = revocation.notBefore();
        this.expiresAt = revocation.expiresAt();
    }

    String key() {
        return key;
    }

    Revocation toRevocation() {
        return new Revocation(notBefore, expiresAt);
    }

    void widenTo(Revocation revocation) {
        Revocation merged = toRevocation().widenedBy(revocation);
        notBefore = merged.notBefore();
        expiresAt = merged.expiresAt();
    }
}
