package dev.latchkey.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A login waiting for its second factor, by the SHA-256 of its token (liquibase/changes/008-mfa.xml). */
@Entity
@Table(name = "mfa_challenge")
public class LoginChallengeRecord {

    @Id
    @Column(name = "token_hash", length = 64)
    private String tokenHash;

    @Column(name = "user_id", length = 36, nullable = false)
    private String userId;

    @Column(name = "remember_me", nullable = false)
    private int rememberMe;

    @Column(name = "password_changed_at", nullable = false)
    private Instant passwordChangedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "used_at")
    private Instant usedAt;

    protected LoginChallengeRecord() {
        // for JPA
    }

    LoginChallengeRecord(String tokenHash, String userId, boolean rememberMe, Instant passwordChangedAt, Instant now,
                         Instant expiresAt) {
        this.tokenHash = tokenHash;
        this.userId = userId;
        this.rememberMe = rememberMe ? 1 : 0;
        this.passwordChangedAt = passwordChangedAt;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    String userId() {
        return userId;
    }

    boolean rememberMe() {
        return rememberMe == 1;
    }

    Instant passwordChangedAt() {
        return passwordChangedAt;
    }

    boolean isLive(Instant now, int maxAttempts) {
        return usedAt == null && attempts < maxAttempts && now.isBefore(expiresAt);
    }
}
