package dev.latchkey.session;

import dev.latchkey.account.KnownDevices;
import dev.latchkey.account.SecurityNotices;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.dpop.DpopSettings;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.role.AccessRights;
import dev.latchkey.role.Roles;
import dev.latchkey.session.SessionMeters.LogoutScope;
import dev.latchkey.session.SessionMeters.RefreshOutcome;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Login sessions (token families): starting them, rotating their refresh tokens, catching reuse,
 * and ending them.
 *
 * <p>Methods that revoke something and then refuse the request are marked not to roll back on
 * {@link ProblemException}: the revocation must stand even though the caller gets an error.
 */
@ApplicationScoped
public class SessionService {

    /** A rights cut-off is at most the next whole second away; anything more means a clock moved. */
    private static final Duration MAX_CUT_OFF_WAIT = Duration.ofMillis(1500);

    /** However often a copied refresh token is tried without its key, its owner gets one notice an hour. */
    private static final Duration KEYLESS_REFRESH_NOTICE_QUIET_PERIOD = Duration.ofHours(1);

    @Inject
    KnownDevices knownDevices;

    @Inject
    TokenFamilyRepository families;

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    UserAccountRepository accounts;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    RevocationList revocations;

    @Inject
    SessionSettings settings;

    @Inject
    CsrfGuard csrf;

    @Inject
    AuditLog audit;

    @Inject
    SecurityNotices notices;

    @Inject
    Roles roles;

    @Inject
    LoginChallenges challenges;

    @Inject
    SessionMeters meters;

    @Inject
    DpopSettings dpopSettings;

    @Inject
    Clock clock;

    /**
     * Starts the session of a login whose password was checked against {@code verified}, unless
     * the account changed since. The password was read and checked outside this transaction (a
     * bcrypt verify is too slow to hold a lock over); a password change or a disable that
     * committed in between would otherwise miss the new session, and the session, created after
     * the change, would pass every later check. So the account is read again here under its row
     * lock, the lock every change of the password state takes too ({@link
     * UserAccountRepository#lockForUpdate}), and the session starts only if the account is still
     * active with the password state that was verified. The lock also serializes the session
     * limit of concurrent logins.
     *
     * @return empty when the account was disabled, deleted or its password changed meanwhile
     */
    @Transactional
    public Optional<SessionTokens> startAfterLogin(UserAccount verified, boolean rememberMe, List<String> amr, ClientInfo client,
                                                   Optional<String> boundKey) {
        Optional<UserAccount> current = accounts.lockForUpdate(verified.id());
        // passwordChangedAt, not the hash: a successful login may upgrade the hash's parameters
        // (same password, not a change), and a racing login may store a different upgrade.
        if (current.isEmpty() || !current.get().isActive()
                || !current.get().passwordChangedAt().equals(verified.passwordChangedAt())) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Started started = begin(current.get(), rememberMe, amr, client, now, boundKey);
        knownDevices.signedIn(current.get(), client, started.family().id(), now);
        return Optional.of(started.tokens());
    }

    /**
     * Starts a session. The caller's transaction must hold the account's lock ({@link
     * UserAccountRepository#lockForUpdate}) so that the session limit counts every concurrent start.
     *
     * @param boundKey the thumbprint of the DPoP key to bind the session to, if any
     */
    @Transactional
    public SessionTokens start(UserAccount user, boolean rememberMe, List<String> amr, ClientInfo client, Optional<String> boundKey) {
        return begin(user, rememberMe, amr, client, clock.instant(), boundKey).tokens();
    }

    private record Started(TokenFamily family, SessionTokens tokens) {
    }

    private Started begin(UserAccount user, boolean rememberMe, List<String> amr, ClientInfo client, Instant now,
                          Optional<String> boundKey) {
        Rights rights = currentRights(user.id(), clock.instant(), Optional.empty());
        enforceSessionLimit(user.id(), now, client);
        String familyId = TokenFamily.newId();
        String refreshToken = refreshTokens.mint(familyId, 0);
        String hash = RefreshTokens.hash(refreshToken);
        // Remember me lengthens only the absolute lifetime: the session still rotates on every
        // refresh, still ends when idle, and never slides its expiry.
        Duration lifetime = rememberMe ? settings.rememberMeLifetime() : settings.absoluteLifetime();
        TokenFamily family = new TokenFamily(familyId, user.id(), now, lifetime, rememberMe, amr, hash, client.ip(),
                client.userAgent(), boundKey);
        families.create(family, legacyHistoryRow(refreshToken, hash, familyId, 0, now));
        accounts.recordLogin(user.id(), now);
        return new Started(family, tokensFor(user, family, refreshToken, now, now, rights));
    }

    /**
     * Rotates a refresh token: one SELECT to resolve it (by the session it names), one conditional
     * UPDATE to use it up. Nothing is written per token: the session's row alone tells the
     * current token (by hash) from every older generation (by number), see {@link RefreshTokens}.
     *
     * @param csrfCheck proves the request may act on the family; runs before anything changes and
     *                  throws to refuse
     * @param proofKey  the thumbprint of the key whose valid DPoP proof came with the request, if one did
     */
    @Transactional(dontRollbackOn = ProblemException.class)
    public SessionTokens refresh(String presentedToken, ClientInfo client, Consumer<String> csrfCheck, Optional<String> proofKey) {
        String presentedHash = RefreshTokens.hash(presentedToken == null ? "" : presentedToken);
        // Before the statement that reads the rights along with the token: see currentRights.
        Instant rightsReadAt = clock.instant();
        Optional<TokenFamilyRepository.Presented> found = resolve(presentedToken, presentedHash);
        if (found.isEmpty()) {
            meters.refresh(RefreshOutcome.INVALID);
            throw invalidRefreshToken();
        }
        TokenFamilyRepository.Presented presented = found.get();
        TokenFamily family = presented.family();
        UserAccount user = presented.user();
        try {
            csrfCheck.accept(family.id());
        } catch (ProblemException refused) {
            meters.refresh(RefreshOutcome.CSRF_FAILED);
            throw refused;
        }
        if (family.boundKey().isPresent() && !family.boundKey().equals(proofKey)) {
            refuseWithoutKey(family, user, client);
        }

        Instant now = clock.instant();
        if (!family.isLive(now, settings.idleTimeout())) {
            audit.record(AuditEvent.REFRESH, "refused_session_ended", user.id(), family.id(), client);
            meters.refresh(RefreshOutcome.EXPIRED);
            throw invalidRefreshToken();
        }
        // The account is re-checked on every refresh: a disabled account, or a password changed
        // since this session began, ends the session here even if nothing revoked it yet.
        if (!user.isActive() || user.passwordChangedAt().isAfter(family.createdAt())) {
            endSession(family.id(), TokenFamily.RevocationReason.USER_INVALID, now);
            audit.record(AuditEvent.REFRESH, "refused_account_changed", user.id(), family.id(), client);
            meters.refresh(RefreshOutcome.ACCOUNT_CHANGED);
            throw invalidRefreshToken();
        }
        // Before anything changes: a refusal here must leave the presented token current.
        Rights rights = currentRights(user.id(), rightsReadAt, Optional.of(presented.rights()));
        if (presented.generation() == family.generation()) {
            int successorGeneration = family.generation() + 1;
            String successor = refreshTokens.mint(family.id(), successorGeneration);
            String successorHash = RefreshTokens.hash(successor);
            // Each rotation replaces the previous seal; with no grace window nothing is sealed,
            // since nothing would ever be unsealed.
            String sealed = settings.reuseGrace().isZero() ? null : RefreshTokens.seal(successor, presentedToken);
            if (families.rotate(family, presentedHash, successorHash, sealed, now,
                    legacyHistoryRow(successor, successorHash, family.id(), successorGeneration, now))) {
                audit.record(AuditEvent.REFRESH, "success", user.id(), family.id(), client);
                meters.refresh(RefreshOutcome.ROTATED);
                return tokensFor(user, family, successor, now, now, rights);
            }
            // Another request rotated this token, or ended the session, between our read and
            // our update.
            family = families.reload(family.id());
            if (family.isRevoked()) {
                // Ended meanwhile (a logout in another tab, typically): the token was the current
                // one when read, so this is a race with the end of the session, not a second use
                // of a rotated token. Refused like any ended session, and not audited as reuse,
                // which would send whoever reads the audit trail after a thief that is not there.
                // There is nothing left to revoke either way.
                audit.record(AuditEvent.REFRESH, "refused_session_ended", user.id(), family.id(), client);
                meters.refresh(RefreshOutcome.EXPIRED);
                throw invalidRefreshToken();
            }
        }
        return replayWithinGraceOrRevoke(presentedToken, presentedHash, family, user, client, now, rights);
    }

    /**
     * The session of the presented token: named by a self-identifying token whose HMAC verifies
     * (no query at all for one that does not), or found by hash for a legacy one.
     */
    private Optional<TokenFamilyRepository.Presented> resolve(String presentedToken, String presentedHash) {
        if (RefreshTokens.isLegacy(presentedToken)) {
            return families.findByLegacyTokenHash(presentedHash);
        }
        return refreshTokens.identify(presentedToken)
                .flatMap(identity -> families.findPresented(identity.familyId(), identity.generation()))
                .filter(presented -> wasIssued(presented, presentedHash));
    }

    /**
     * A self-identifying token whose HMAC verified, naming a generation the session never reached
     * or its current one with another random part, was not issued by this session: it was made
     * with the secret, or the database was restored to a time before it. Treated as unknown, so it
     * ends nothing: only a token the session really handed out proves theft.
     */
    private static boolean wasIssued(TokenFamilyRepository.Presented presented, String presentedHash) {
        int current = presented.family().generation();
        return presented.generation() < current
                || presented.generation() == current && ConstantTime.equal(presentedHash, presented.family().currentTokenHash());
    }

    /** The history row a legacy token needs to be recognised later; self-identifying tokens need none. */
    private static Optional<RefreshTokenRecord> legacyHistoryRow(String token, String hash, String familyId, int generation,
                                                                Instant now) {
        return RefreshTokens.isLegacy(token) ? Optional.of(new RefreshTokenRecord(hash, familyId, generation, now)) : Optional.empty();
    }

    /**
     * A refresh of a DPoP-bound session without a proof by its key: the refresh token was copied
     * off the device that holds the key. Refused, and the token presented stays current. The
     * session is not ended: the copy is useless without the key, and ending the session would let
     * anyone with a copy sign its owner out. The owner is told, once an hour at most.
     */
    private void refuseWithoutKey(TokenFamily family, UserAccount user, ClientInfo client) {
        audit.record(AuditEvent.REFRESH_WITHOUT_BOUND_KEY, "refused_suspected_theft", user.id(), family.id(), client);
        meters.refresh(RefreshOutcome.DPOP_FAILED);
        Instant now = clock.instant();
        if (families.recordKeylessRefresh(family.id(), now, KEYLESS_REFRESH_NOTICE_QUIET_PERIOD)) {
            notices.refreshWithoutKey(user, now);
        }
        throw DpopProofs.invalidProof();
    }

    private SessionTokens replayWithinGraceOrRevoke(String presentedToken, String presentedHash, TokenFamily family,
                                                    UserAccount user, ClientInfo client, Instant now, Rights rights) {
        boolean immediatePredecessor = family.previousTokenHash() != null
                && ConstantTime.equal(presentedHash, family.previousTokenHash());
        Duration grace = settings.reuseGrace();
        if (immediatePredecessor && !family.isRevoked() && !grace.isZero() && !now.isAfter(family.rotatedAt().plus(grace))) {
            Optional<String> successor = RefreshTokens.unseal(family.successorSealed(), presentedToken);
            if (successor.isPresent()) {
                audit.record(AuditEvent.REFRESH, "grace_replay", user.id(), family.id(), client);
                meters.refresh(RefreshOutcome.GRACE_REUSED);
                // The rotation this replays was the last use; the replay itself moves nothing.
                return tokensFor(user, family, successor.get(), now, family.lastUsedAt(), rights);
            }
        }
        // A refresh token that was already rotated, presented again: one of the two presenters
        // is a thief, and we cannot tell which, so the whole session ends for both.
        endSession(family.id(), TokenFamily.RevocationReason.REUSE_DETECTED, now);
        audit.record(AuditEvent.REFRESH_REUSE_DETECTED, "family_revoked", user.id(), family.id(), client);
        meters.refresh(RefreshOutcome.REUSE_DETECTED);
        // Committed with the revocation (this transaction does not roll back on the 401): the
        // owner learns that a copy of a session's token was used, and that the session ended.
        notices.refreshReuse(user, now);
        throw invalidRefreshToken();
    }

    /**
     * Ends the session of the presented refresh token and of the presented access token, whichever
     * are present and valid. Idempotent: ending an ended session, or presenting nothing, is fine.
     */
    @Transactional
    public void logout(Optional<VerifiedAccessToken> accessToken, Optional<String> refreshToken, ClientInfo client,
                       Consumer<String> csrfCheck) {
        Optional<TokenFamilyRepository.Presented> presented = refreshToken
                .flatMap(token -> resolve(token, RefreshTokens.hash(token)));
        // The CSRF check comes before any change: a forged logout must not even revoke the access token.
        presented.ifPresent(p -> csrfCheck.accept(p.family().id()));

        Instant now = clock.instant();
        presented.ifPresent(p -> endSession(p.family().id(), TokenFamily.RevocationReason.LOGOUT, now));
        accessToken.ifPresent(token -> {
            revocations.revokeAccessToken(token.jti(), token.expiresAt());
            families.findById(token.familyId())
                    .filter(family -> family.userId().equals(token.subject()))
                    .ifPresent(family -> endSession(family.id(), TokenFamily.RevocationReason.LOGOUT, now));
        });
        String userId = presented.map(p -> p.user().id()).or(() -> accessToken.map(VerifiedAccessToken::subject)).orElse(null);
        String familyId = presented.map(p -> p.family().id()).or(() -> accessToken.map(VerifiedAccessToken::familyId)).orElse(null);
        audit.record(AuditEvent.LOGOUT, "success", userId, familyId, client);
        meters.logout(LogoutScope.SESSION);
    }

    /**
     * Ends every session of the user and kills every access token issued to them before now.
     */
    @Transactional
    public void endAllSessions(String userId, TokenFamily.RevocationReason reason, AuditEvent event, ClientInfo client) {
        revokeEverySessionAndToken(userId, reason);
        audit.record(event, "success", userId, null, client);
        if (event == AuditEvent.LOGOUT_ALL) {
            meters.logout(LogoutScope.EVERYWHERE);
        }
    }

    /**
     * As {@link #endAllSessions}, on an administrator's order: the audit line names the
     * administrator ({@code actor}) as well as the account.
     */
    @Transactional
    public void endAllSessionsByAdministrator(String userId, TokenFamily.RevocationReason reason, AuditEvent event,
                                              String adminId, ClientInfo client) {
        revokeEverySessionAndToken(userId, reason);
        audit.recordAdminAction(event, "success", adminId, userId, client);
    }

    private void revokeEverySessionAndToken(String userId, TokenFamily.RevocationReason reason) {
        Instant now = clock.instant();
        for (String familyId : families.revokeAllOfUser(userId, reason, now)) {
            revocations.revokeSession(familyId);
        }
        revocations.revokeUserTokensIssuedBefore(userId, now);
    }

    /**
     * Ends every session of the user but the caller's (a second factor was added or removed: the
     * caller proved it just now, the others did not). Their access tokens die with them.
     */
    @Transactional
    public void endOtherSessions(String userId, String keepFamilyId, TokenFamily.RevocationReason reason) {
        Instant now = clock.instant();
        for (TokenFamily family : families.findLiveOfUser(userId, now, settings.idleTimeout())) {
            if (!family.id().equals(keepFamilyId)) {
                endSession(family.id(), reason, now);
            }
        }
    }

    /** Whether the session was started with "remember me" (false for an unknown one). */
    public boolean isRemembered(String familyId) {
        return familyId != null && families.findById(familyId).map(TokenFamily::rememberMe).orElse(false);
    }

    /** The DPoP key the session is bound to (empty for an unbound or unknown one). */
    public Optional<String> boundKeyOf(String familyId) {
        return familyId == null ? Optional.empty() : families.findById(familyId).flatMap(TokenFamily::boundKey);
    }

    public List<TokenFamily> liveSessions(String userId) {
        return families.findLiveOfUser(userId, clock.instant(), settings.idleTimeout());
    }

    /** @return false when the user has no such live session (someone else's counts as none) */
    @Transactional
    public boolean endSessionOf(String userId, String familyId, TokenFamily.RevocationReason reason) {
        Optional<TokenFamily> family = families.findById(familyId).filter(f -> f.userId().equals(userId));
        if (family.isEmpty() || family.get().isRevoked()) {
            return false;
        }
        endSession(familyId, reason, clock.instant());
        return true;
    }

    /**
     * Deletes sessions past their absolute expiry, with their refresh-token history, and clears
     * the grace-window seals whose window has passed (see {@link TokenFamilyRepository#clearSealsRotatedBefore}).
     */
    @Transactional
    public int prune() {
        Instant now = clock.instant();
        int deleted = families.deleteExpired(now);
        families.clearSealsRotatedBefore(now.minus(settings.reuseGrace()));
        return deleted;
    }

    private void endSession(String familyId, TokenFamily.RevocationReason reason, Instant now) {
        families.revoke(familyId, reason, now);
        revocations.revokeSession(familyId);
    }

    private void enforceSessionLimit(String userId, Instant now, ClientInfo client) {
        int limit = settings.maxPerUser();
        if (limit == 0) {
            return;
        }
        List<TokenFamily> live = families.findLiveOfUser(userId, now, settings.idleTimeout());
        for (int i = 0; i <= live.size() - limit; i++) {
            endSession(live.get(i).id(), TokenFamily.RevocationReason.SESSION_LIMIT, now);
            audit.record(AuditEvent.SESSION_REVOKED, "session_limit", userId, live.get(i).id(), client);
        }
    }

    /** @param lastUse the session's last use as now stored: what its idle deadline counts from */
    private SessionTokens tokensFor(UserAccount user, TokenFamily family, String refreshToken, Instant now, Instant lastUse,
                                    Rights rights) {
        // Access tokens are bound only on request: stock MicroProfile JWT consumers ignore cnf, and a
        // bound token they accept as a bearer token protects nothing there (docs/security.md).
        Optional<String> boundKey = dpopSettings.bindAccessTokens() ? family.boundKey() : Optional.empty();
        AccessTokenClaims claims = new AccessTokenClaims(user.id(), rights.rights().roles(), rights.rights().permissions(),
                family.id(), user.isEmailVerified(), family.amr(), family.createdAt(), boundKey);
        Instant idleEnd = lastUse.plus(settings.idleTimeout());
        return new SessionTokens(issuer.issue(claims, rights.readAt()), refreshToken, csrf.tokenFor(family.id()), now,
                family.absoluteExpiresAt(), idleEnd.isBefore(family.absoluteExpiresAt()) ? idleEnd : family.absoluteExpiresAt(),
                family.rememberMe());
    }

    /**
     * What a new access token states, and the moment it was read: the token's {@code iat}.
     *
     * @param readAt when the rights were (or are about to be) read: taken before the statement
     *               that reads them, so that rights read before a change committed always carry an
     *               {@code iat} its cut-off refuses ({@code RevocationList.cutOffUserTokens})
     */
    private record Rights(AccessRights rights, Instant readAt) {
    }

    /**
     * Just after the user's rights changed, their tokens issued up to the end of that second are
     * refused; a token with an {@code iat} in that second would be refused at once. Then (and only
     * then) issuing waits for the next second, at most one, and reads the rights again after it:
     * the token gets the new rights and an {@code iat} the cut-off lets through.
     *
     * @param alreadyRead the rights as read at {@code readAt}, if they were
     * @throws ProblemException 503 when the cut-off is further away than a second can explain (a
     *                          clock moved): the request is refused rather than answered with a dead token
     */
    private Rights currentRights(String userId, Instant readAt, Optional<AccessRights> alreadyRead) {
        Optional<Instant> notBefore = revocations.userTokensNotBefore(userId, readAt);
        if (notBefore.isEmpty()) {
            return new Rights(alreadyRead.orElseGet(() -> roles.rightsOf(userId)), readAt);
        }
        long waitMillis = Duration.between(clock.instant(), notBefore.get()).toMillis() + 1;
        if (waitMillis > MAX_CUT_OFF_WAIT.toMillis()) {
            throw new ProblemException(Problem.unavailableHere());
        }
        try {
            Thread.sleep(Math.max(0, waitMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(Problem.unavailableHere());
        }
        Instant after = clock.instant();
        if (after.isBefore(notBefore.get())) {
            throw new ProblemException(Problem.unavailableHere());
        }
        return new Rights(roles.rightsOf(userId), after);
    }

    /**
     * Part of erasing an account: every access token the user holds dies with its session's
     * {@code sid:} entry (which names a random session id, not the user), and then the sessions,
     * their token history and any login waiting for a second factor are deleted. Access tokens
     * are only ever issued within a session, so the {@code sid:} entries cover every one of them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forgetUser(String userId) {
        for (String familyId : families.deleteAllOfUser(userId)) {
            revocations.revokeSession(familyId);
        }
        challenges.forget(userId);
    }

    /** How many live sessions each user has; users without one are absent. */
    public Map<String, Long> liveSessionCounts(Collection<String> userIds) {
        return families.countLiveOf(userIds, clock.instant(), settings.idleTimeout());
    }

    static ProblemException invalidRefreshToken() {
        return new ProblemException(Problem.of(401, "invalid-refresh-token", "Unauthorized",
                "The refresh token is missing, invalid, expired or revoked. Log in again."));
    }
}
