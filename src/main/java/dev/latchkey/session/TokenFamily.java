package dev.latchkey.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One login session: the family of refresh tokens that descend from one login by rotation
 * (liquibase/changes/002-token-family.xml). Rotation itself is a conditional UPDATE in
 * {@link TokenFamilyRepository#rotate}, never a change made to this object.
 */
@Entity
@Table(name = "token_family")
public class TokenFamily {

    public enum RevocationReason { LOGOUT, LOGOUT_ALL, REUSE_DETECTED, PASSWORD_CHANGED, USER_DISABLED, USER_INVALID, SESSION_LIMIT, REVOKED_BY_USER, REVOKED_BY_ADMIN, SECOND_FACTOR_CHANGED }

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "absolute_expires_at", nullable = false)
    private Instant absoluteExpiresAt;

    @Column(name = "last_used_at", nullable = false)
    private Instant lastUsedAt;

    @Column(name = "rotated_at", nullable = false)
    private Instant rotatedAt;

    @Column(name = "generation", nullable = false)
    private int generation;

    @Column(name = "current_token_hash", nullable = false, length = 64)
    private String currentTokenHash;

    @Column(name = "previous_token_hash", length = 64)
    private String previousTokenHash;

    @Column(name = "successor_sealed")
    private String successorSealed;

    @Column(name = "user_agent", length = 512)
    private String userAgent;

    @Column(name = "client_ip", length = 64)
    private String clientIp;

    @Column(name = "revoked_reason", length = 32)
    private String revokedReason;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    /** 1: started with "remember me" (persistent cookies, the longer lifetime); 0: a browser session. */
    @Column(name = "remember_me", nullable = false)
    private int rememberMe;

    /** The authentication methods of the login that started the session (RFC 8176), space-separated. */
    @Column(name = "amr", nullable = false, length = 32)
    private String amr;

    /** The JWK thumbprint of the DPoP key the session is bound to, or null for an unbound session. */
    @Column(name = "dpop_jkt", length = 43)
    private String dpopJkt;

    @Column(name = "dpop_refused_at")
    private Instant dpopRefusedAt;

    protected TokenFamily() {
        // for JPA
    }

    /** A new session's id: random, since it is public (the access tokens' {@code sid}) and names the session in its refresh tokens. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    TokenFamily(String id, String userId, Instant now, Duration absoluteLifetime, boolean rememberMe, List<String> amr,
                String firstTokenHash, String clientIp, String userAgent, Optional<String> boundKey) {
        this.id = id;
        this.userId = userId;
        this.createdAt = now;
        this.absoluteExpiresAt = now.plus(absoluteLifetime);
        this.rememberMe = rememberMe ? 1 : 0;
        this.amr = String.join(" ", amr);
        this.lastUsedAt = now;
        this.rotatedAt = now;
        this.generation = 0;
        this.currentTokenHash = firstTokenHash;
        this.clientIp = clientIp;
        this.userAgent = userAgent;
        this.dpopJkt = boundKey.orElse(null);
    }

    /** The thumbprint of the DPoP key every refresh must prove possession of; empty when unbound. */
    public Optional<String> boundKey() {
        return Optional.ofNullable(dpopJkt);
    }

    /** The authentication methods of the login that started the session: every token it issues carries them. */
    public List<String> amr() {
        return List.of(amr.split(" "));
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public boolean rememberMe() {
        return rememberMe == 1;
    }

    public Instant absoluteExpiresAt() {
        return absoluteExpiresAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    Instant rotatedAt() {
        return rotatedAt;
    }

    int generation() {
        return generation;
    }

    String currentTokenHash() {
        return currentTokenHash;
    }

    String previousTokenHash() {
        return previousTokenHash;
    }

    String successorSealed() {
        return successorSealed;
    }

    public String userAgent() {
        return userAgent;
    }

    public String clientIp() {
        return clientIp;
    }

    boolean isRevoked() {
        return revokedAt != null;
    }

    /** Live: not revoked, within its absolute lifetime (which rotation never moves) and not idle too long. */
    boolean isLive(Instant now, Duration idleTimeout) {
        return !isRevoked() && now.isBefore(absoluteExpiresAt) && now.isBefore(lastUsedAt.plus(idleTimeout));
    }
}
