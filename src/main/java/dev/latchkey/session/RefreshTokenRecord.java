package dev.latchkey.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A refresh token that was issued, by its SHA-256 hash only: the token itself is never stored. */
@Entity
@Table(name = "refresh_token")
public class RefreshTokenRecord {

    @Id
    @Column(name = "token_hash", length = 64)
    private String tokenHash;

    @Column(name = "family_id", nullable = false, length = 36)
    private String familyId;

    @Column(name = "generation", nullable = false)
    private int generation;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    protected RefreshTokenRecord() {
        // for JPA
    }

    RefreshTokenRecord(String tokenHash, String familyId, int generation, Instant issuedAt) {
        this.tokenHash = tokenHash;
        this.familyId = familyId;
        this.generation = generation;
        this.issuedAt = issuedAt;
    }

    String familyId() {
        return familyId;
    }

    int generation() {
        return generation;
    }
}
