package dev.latchkey.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A user who can log in. The schema is owned by Liquibase (liquibase/changes/001-user-account.xml). */
@Entity
@Table(name = "user_account")
@NamedQuery(name = UserAccount.BY_EMAIL, query = "SELECT u FROM UserAccount u WHERE u.email = :email")
@NamedQuery(name = UserAccount.REWRITE_UNCHANGED, query = "UPDATE UserAccount u SET u.updatedAt = u.updatedAt WHERE u.id = :id")
@NamedQuery(name = UserAccount.RECORD_LOGIN, query = "UPDATE UserAccount u SET u.lastLoginAt = :now WHERE u.id = :id")
public class UserAccount {

    static final String BY_EMAIL = "UserAccount.byEmail";
    static final String REWRITE_UNCHANGED = "UserAccount.rewriteUnchanged";
    static final String RECORD_LOGIN = "UserAccount.recordLogin";

    /** A UUID as text: the same column type on every database we support. */
    @Id
    @Column(name = "id", length = 36)
    private String id;

    /** Normalized (see {@link EmailAddress}), so the unique index makes it unique case-insensitively. */
    @Column(name = "email", nullable = false, unique = true, length = 254)
    private String email;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 16)
    private AccountStatus status;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "password_changed_at", nullable = false)
    private Instant passwordChangedAt;

    @Column(name = "email_verified_at")
    private Instant emailVerifiedAt;

    @Column(name = "mfa_enabled_at")
    private Instant mfaEnabledAt;

    /** When a session last started; set by {@link UserAccountRepository#recordLogin}. */
    @Column(name = "last_login_at")
    private Instant lastLoginAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected UserAccount() {
        // for JPA
    }

    /** A new account; {@link UserAccountRepository#insert} gives it the role {@code user}. */
    public UserAccount(String normalizedEmail, String passwordHash, Instant now) {
        this.id = UUID.randomUUID().toString();
        this.email = normalizedEmail;
        this.passwordHash = passwordHash;
        this.status = AccountStatus.ACTIVE;
        this.createdAt = now;
        this.updatedAt = now;
        this.passwordChangedAt = now;
    }

    public String id() {
        return id;
    }

    public String email() {
        return email;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public boolean isActive() {
        return status == AccountStatus.ACTIVE;
    }

    public Instant passwordChangedAt() {
        return passwordChangedAt;
    }

    public void changePassword(String newHash, Instant now) {
        this.passwordHash = newHash;
        this.passwordChangedAt = now;
        this.updatedAt = now;
    }

    public boolean isEmailVerified() {
        return emailVerifiedAt != null;
    }

    /** The owner proved the address is theirs: by a verification link, or by a reset link sent to it. */
    public void markEmailVerified(Instant now) {
        if (emailVerifiedAt == null) {
            emailVerifiedAt = now;
        }
        this.updatedAt = now;
    }

    /** Whether a second factor (TOTP) is on: a password alone then starts no session. */
    public boolean isMfaEnabled() {
        return mfaEnabledAt != null;
    }

    public void enableMfa(Instant now) {
        this.mfaEnabledAt = now;
        this.updatedAt = now;
    }

    public void disableMfa(Instant now) {
        this.mfaEnabledAt = null;
        this.updatedAt = now;
    }

    public void disable(Instant now) {
        this.status = AccountStatus.DISABLED;
        this.updatedAt = now;
    }

    /** Sessions ended when the account was disabled stay ended: the owner signs in again. */
    public void enable(Instant now) {
        this.status = AccountStatus.ACTIVE;
        this.updatedAt = now;
    }

    public AccountStatus status() {
        return status;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<Instant> lastLoginAt() {
        return Optional.ofNullable(lastLoginAt);
    }

    /** Same password, stronger parameters: not a password change, so sessions stay valid. */
    public void upgradePasswordHash(String newHash, Instant now) {
        this.passwordHash = newHash;
        this.updatedAt = now;
    }
}
