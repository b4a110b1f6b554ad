package dev.latchkey.session;

import com.nimbusds.jose.JWSAlgorithm;
import dev.latchkey.account.AccountSettings;
import dev.latchkey.account.SecurityNotices;
import dev.latchkey.account.UserAccount;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.csrf.CsrfBeans;
import dev.latchkey.csrf.CsrfTokens;
import dev.latchkey.dpop.DpopSettings;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.mail.MailMessage;
import dev.latchkey.mail.Outbox;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.revocation.InMemoryRevocationCache;
import dev.latchkey.revocation.InMemoryRevocationRepository;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.revocation.RevocationLists;
import dev.latchkey.role.AccessRights;
import dev.latchkey.role.Roles;
import dev.latchkey.testsupport.server.MovableClock;
import dev.latchkey.token.AccessTokenVerifier;
import dev.latchkey.token.AuthenticationMethods;
import dev.latchkey.token.TokenBeans;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.TokenSettings;
import dev.latchkey.token.VerifiedAccessToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SessionService's decisions without a container: the token families live in maps
 * ({@link InMemoryTokenFamilies}), the revocation list is the real one over an in-memory cache
 * and table, access tokens are really signed and verified, and time moves by {@link MovableClock}.
 * Every test checks an outcome a client would see: a refresh that works or is refused, an access
 * token that the revocation list kills, a session that is or is not live.
 */
class SessionServiceTest {

    /** A session not bound to a DPoP key. */
    private static final Optional<String> UNBOUND = Optional.empty();

    private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    private static final long ABSOLUTE_LIFETIME = 8 * 3600;
    private static final long IDLE_TIMEOUT = 3600;
    private static final long REMEMBER_ME_LIFETIME = 24 * 3600;
    private static final long GRACE = 10;
    private static final int MAX_PER_USER = 3;
    private static final ClientInfo CLIENT = new ClientInfo("203.0.113.7", "JUnit");
    private static final Consumer<String> NO_CSRF_CHECK = familyId -> { };

    private static SigningKeys signingKeys;
    private static byte[] csrfSecret;
    private static byte[] refreshTokenSecret;

    private final MovableClock clock = MovableClock.at(START);
    private final TokenSettings tokenSettings = TokenSettings.from(SettingsSource.of(Map.of(
            TokenSettings.ISSUER, "https://auth.example.test",
            TokenSettings.AUDIENCE, "example-api",
            TokenSettings.ACCESS_TTL_SECONDS, "900",
            TokenSettings.CLOCK_SKEW_SECONDS, "60")));
    private final InMemoryTokenFamilies families = new InMemoryTokenFamilies();
    private final RevocationList revocations = RevocationLists.loaded(new InMemoryRevocationRepository(),
            new InMemoryRevocationCache(), tokenSettings, clock);
    private final AccessTokenVerifier verifier = TokenBeans.verifier(signingKeys, tokenSettings, clock);
    private final CsrfTokens csrfTokens = CsrfBeans.tokens(csrfSecret);
    private final List<String> audit = new ArrayList<>();

    @BeforeAll
    static void keys() {
        signingKeys = SigningKeys.of(KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256)));
        csrfSecret = new byte[32];
        new SecureRandom().nextBytes(csrfSecret);
        refreshTokenSecret = RandomTokens.bytes(32);
    }

    private SessionService service(Map<String, String> sessionSettings) {
        SessionService service = new SessionService();
        service.families = families;
        service.accounts = families.accounts();
        service.issuer = TokenBeans.issuer(signingKeys, tokenSettings, clock);
        service.revocations = revocations;
        service.settings = SessionSettings.from(SettingsSource.of(sessionSettings));
        service.refreshTokens = RefreshTokens.with(service.settings, refreshTokenSecret);
        service.notices = SecurityNotices.with(new Outbox() {
            @Override
            public void queue(String purpose, String userId, MailMessage message) {
                mailed.add(purpose + " " + message.to());
            }
        }, AccountSettings.defaults());
        service.csrf = CsrfBeans.guard(csrfSecret, csrfTokens);
        service.audit = new AuditLog() {
            @Override
            public void record(AuditEvent event, String outcome, String userId, String familyId, ClientInfo client) {
                audit.add(event.code() + " " + outcome);
            }
        };
        service.roles = new Roles() {
            @Override
            public AccessRights rightsOf(String userId) {
                return new AccessRights(List.of("user"), List.of());
            }
        };
        service.clock = clock;
        service.meters = SessionMeters.inMemory();
        service.dpopSettings = DpopSettings.from(SettingsSource.of(sessionSettings));
        return service;
    }

    private SessionService service() {
        return service(settings(GRACE, MAX_PER_USER));
    }

    private static Map<String, String> settings(long grace, int maxPerUser) {
        Map<String, String> settings = new HashMap<>();
        settings.put(SessionSettings.ABSOLUTE_LIFETIME_SECONDS, Long.toString(ABSOLUTE_LIFETIME));
        settings.put(SessionSettings.IDLE_TIMEOUT_SECONDS, Long.toString(IDLE_TIMEOUT));
        settings.put(SessionSettings.REMEMBER_ME_LIFETIME_SECONDS, Long.toString(REMEMBER_ME_LIFETIME));
        settings.put("latchkey.session.reuse-grace-seconds", Long.toString(grace));
        settings.put("latchkey.session.max-per-user", Integer.toString(maxPerUser));
        return settings;
    }

    private UserAccount user() {
        UserAccount user = new UserAccount("user-" + UUID.randomUUID() + "@example.test",
                "$2b$10$not-a-real-hash", clock.instant());
        families.addUser(user);
        return user;
    }

    /** Mail queued by the service under test: purpose and recipient. */
    private final List<String> mailed = new java.util.ArrayList<>();

    private void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    /** The access token as a resource server sees it: its signature and claims checked. */
    private VerifiedAccessToken verified(SessionTokens tokens) {
        try {
            return verifier.verify(tokens.accessToken().value());
        } catch (TokenRejectedException e) {
            throw new AssertionError("the access token does not verify: " + e.getMessage(), e);
        }
    }

    private boolean revoked(SessionTokens tokens) {
        return revocations.isRevoked(verified(tokens));
    }

    private static void assertRefused(Runnable refresh) {
        ProblemException refused = assertThrows(ProblemException.class, refresh::run);
        assertEquals(401, refused.problem().status());
        assertTrue(refused.problem().type().endsWith("invalid-refresh-token"), refused.problem().type());
    }

    private String familyOf(SessionTokens tokens) {
        return verified(tokens).familyId();
    }

    // Starting a session

    @Test
    void aNewSessionGetsAnAccessTokenARefreshTokenAndACsrfTokenBoundToIt() {
        SessionService sessions = service();
        UserAccount user = user();

        SessionTokens tokens = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        VerifiedAccessToken access = verified(tokens);
        assertEquals(user.id(), access.subject());
        assertEquals(Set.of("user"), access.groups());
        assertEquals(Optional.of(new RefreshTokens.Identity(access.familyId(), 0)),
                sessions.refreshTokens.identify(tokens.refreshToken()), "the token names its session and generation");
        assertTrue(csrfTokens.isValidFor(tokens.csrfToken(), access.familyId()));
        assertFalse(csrfTokens.isValidFor(tokens.csrfToken(), "another-session"));
        assertEquals(Duration.ofSeconds(ABSOLUTE_LIFETIME), tokens.sessionRemaining());
        assertEquals(List.of(access.familyId()), sessions.liveSessions(user.id()).stream().map(TokenFamily::id).toList());
        assertFalse(revoked(tokens));
    }

    // Rotation

    @Test
    void refreshRotatesTheCurrentTokenWithinTheSameSessionAndNeverExtendsIt() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        String family = familyOf(first);
        advance(600);

        SessionTokens second = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertNotEquals(first.refreshToken(), second.refreshToken());
        assertNotEquals(verified(first).jti(), verified(second).jti());
        assertEquals(family, familyOf(second), "the same session");
        assertEquals(Duration.ofSeconds(ABSOLUTE_LIFETIME - 600), second.sessionRemaining());
        assertEquals(1, families.stored(family).generation());

        advance(600);
        SessionTokens third = sessions.refresh(second.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(family, familyOf(third));
        assertEquals(Duration.ofSeconds(ABSOLUTE_LIFETIME - 1200), third.sessionRemaining());
        assertEquals(2, families.stored(family).generation());
        assertEquals(List.of("refresh success", "refresh success"), audit);
    }

    @Test
    void aRefusedCsrfCheckChangesNothing() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        AtomicReference<String> checkedFamily = new AtomicReference<>();

        assertThrows(IllegalStateException.class, () -> sessions.refresh(tokens.refreshToken(), CLIENT, familyId -> {
            checkedFamily.set(familyId);
            throw new IllegalStateException("forged");
        }, UNBOUND));

        assertEquals(familyOf(tokens), checkedFamily.get(), "the check is asked about the token's own session");
        assertEquals(0, families.stored(familyOf(tokens)).generation(), "not rotated");
        advance(GRACE + 1);
        assertEquals(familyOf(tokens), familyOf(sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)),
                "the token is still the current one, not a reused one");
    }

    @Test
    void everyTokenResponseSaysWhenTheSessionEndsAndWhenItIdlesOut() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        Instant absoluteEnd = START.plusSeconds(ABSOLUTE_LIFETIME);
        assertEquals(absoluteEnd, first.sessionExpiresAt());
        assertEquals(START.plusSeconds(IDLE_TIMEOUT), first.idleExpiresAt());

        advance(600);
        SessionTokens rotated = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(absoluteEnd, rotated.sessionExpiresAt(), "a refresh never moves the absolute end");
        assertEquals(START.plusSeconds(600 + IDLE_TIMEOUT), rotated.idleExpiresAt(), "a refresh is a use");

        advance(GRACE);
        SessionTokens replayed = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(rotated.idleExpiresAt(), replayed.idleExpiresAt(), "a grace replay is not a use: the rotation was");

        SessionTokens late = rotated;
        for (long used = 600; used + IDLE_TIMEOUT / 2 < ABSOLUTE_LIFETIME; used += IDLE_TIMEOUT / 2) {
            advance(IDLE_TIMEOUT / 2);
            late = sessions.refresh(late.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        }
        assertEquals(absoluteEnd, late.idleExpiresAt(), "the idle deadline never passes the absolute end");
    }

    // The grace window

    @Test
    void theSameTokenPresentedAgainWithinTheGraceGetsTheSameSuccessor() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens rotated = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        advance(GRACE);

        SessionTokens replayed = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        assertEquals(rotated.refreshToken(), replayed.refreshToken(), "no second branch of the family");
        assertEquals(familyOf(first), familyOf(replayed));
        assertFalse(revoked(rotated));
        assertEquals(1, families.stored(familyOf(first)).generation());
        assertEquals(List.of("refresh success", "refresh grace_replay"), audit);
        // The successor is the current token and rotates normally.
        assertEquals(familyOf(first), familyOf(sessions.refresh(rotated.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)));
    }

    @Test
    void twoRequestsRacingWithOneTokenGetOneSuccessor() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        AtomicReference<SessionTokens> winner = new AtomicReference<>();
        // The other request rotates the token between this one's read and its conditional update.
        families.beforeNextRotate(() -> winner.set(sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)));

        SessionTokens loser = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        assertEquals(winner.get().refreshToken(), loser.refreshToken());
        assertEquals(1, families.stored(familyOf(first)).generation());
        assertFalse(families.stored(familyOf(first)).isRevoked());
    }

    // Sessions bound to a DPoP key

    private static final Optional<String> DEVICE_KEY = Optional.of("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    private static final Optional<String> OTHER_KEY = Optional.of("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");

    @Test
    void aBoundSessionRefreshesOnlyWithAProofByItsKey() {
        SessionService sessions = service();
        UserAccount owner = user();
        SessionTokens first = sessions.start(owner, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, DEVICE_KEY);

        for (Optional<String> wrong : List.of(UNBOUND, OTHER_KEY)) {
            ProblemException refused = assertThrows(ProblemException.class,
                    () -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, wrong));
            assertEquals(401, refused.problem().status());
            assertTrue(refused.problem().type().endsWith("invalid-dpop-proof"), refused.problem().type());
        }
        TokenFamily family = families.stored(familyOf(first));
        assertEquals(0, family.generation(), "the token presented is not rotated");
        assertFalse(family.isRevoked(), "a copy without the key cannot sign the owner out");
        assertFalse(revoked(first));
        assertEquals(List.of("refresh_without_bound_key refused_suspected_theft",
                "refresh_without_bound_key refused_suspected_theft"), audit);
        assertEquals(List.of("refresh-without-key " + owner.email()), mailed, "one notice for the two tries");

        SessionTokens second = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, DEVICE_KEY);
        assertEquals(1, families.stored(familyOf(first)).generation());
        assertEquals(familyOf(first), familyOf(second));
        assertEquals(Optional.empty(), verified(second).boundKey(), "access tokens stay bearer tokens by default");
        assertFalse(second.accessToken().senderConstrained());
    }

    @Test
    void theOwnerIsToldOfKeylessRefreshesOnceAnHour() {
        SessionService sessions = service();
        UserAccount owner = user();
        SessionTokens first = sessions.start(owner, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, DEVICE_KEY);
        assertThrows(ProblemException.class, () -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        advance(3599);
        assertThrows(ProblemException.class, () -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertEquals(1, mailed.size());
        advance(2);
        assertThrows(ProblemException.class, () -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertEquals(2, mailed.size());
    }

    @Test
    void anUnboundSessionIsNotBoundByALaterProof() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        // A thief with a copied cookie must not be able to tie the owner's session to the thief's key.
        SessionTokens second = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, OTHER_KEY);
        SessionTokens third = sessions.refresh(second.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(Optional.empty(), families.stored(familyOf(third)).boundKey());
    }

    @Test
    void withBoundAccessTokensTheTokensOfABoundSessionCarryTheKey() {
        Map<String, String> settings = settings(GRACE, MAX_PER_USER);
        settings.put(DpopSettings.BIND_ACCESS_TOKENS, "true");
        SessionService sessions = service(settings);
        SessionTokens bound = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, DEVICE_KEY);
        SessionTokens unbound = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        assertEquals(DEVICE_KEY, verified(bound).boundKey());
        assertTrue(bound.accessToken().senderConstrained());
        SessionTokens refreshed = sessions.refresh(bound.refreshToken(), CLIENT, NO_CSRF_CHECK, DEVICE_KEY);
        assertEquals(DEVICE_KEY, verified(refreshed).boundKey());
        assertEquals(Optional.empty(), verified(unbound).boundKey());
        assertFalse(unbound.accessToken().senderConstrained());
    }

    // Reuse

    @Test
    void aRotatedTokenPresentedAfterTheGraceEndsTheWholeSession() {
        SessionService sessions = service();
        UserAccount owner = user();
        SessionTokens first = sessions.start(owner, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens rotated = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        advance(GRACE + 1);

        assertRefused(() -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertEquals(List.of("refresh-reuse " + owner.email()), mailed, "the owner is told, once");

        assertTrue(families.stored(familyOf(first)).isRevoked());
        assertTrue(revoked(rotated), "the thief's or the owner's access token: both die with the session");
        assertTrue(revoked(first));
        assertRefused(() -> sessions.refresh(rotated.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertTrue(audit.contains("refresh_reuse_detected family_revoked"), audit.toString());
        assertEquals(1, mailed.size(), "a second try on the ended session sends nothing more");
    }

    @Test
    void aRefreshRacingALogoutIsRefusedAsAnEndedSessionNotAuditedAsReuse() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        // Another tab logs out between this refresh's read of the family and its rotation.
        families.beforeNextRotate(() -> sessions.logout(Optional.empty(), Optional.of(tokens.refreshToken()), CLIENT, NO_CSRF_CHECK));

        assertRefused(() -> sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(families.stored(familyOf(tokens)).isRevoked());
        assertEquals(List.of("logout success", "refresh refused_session_ended"), audit,
                "a harmless race, not a stolen token");
    }

    @Test
    void anOlderTokenThanThePreviousOneIsReuseEvenWithinTheGrace() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens second = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        SessionTokens third = sessions.refresh(second.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        assertRefused(() -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(families.stored(familyOf(first)).isRevoked());
        assertTrue(revoked(third));
        assertRefused(() -> sessions.refresh(third.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
    }

    @Test
    void withoutAGraceAnySecondUseIsReuse() {
        SessionService sessions = service(settings(0, MAX_PER_USER));
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens rotated = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        assertRefused(() -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(revoked(rotated));
    }

    // Storage per session (issue 20)

    @Test
    void refreshesWriteNoRowPerTokenAndReuseOfTheFirstGenerationIsCaughtAfterManyRotations() {
        SessionService sessions = service();
        UserAccount owner = user();
        SessionTokens first = sessions.start(owner, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        String sessionId = familyOf(first);
        SessionTokens current = first;
        for (int i = 0; i < 200; i++) {
            advance(130);
            current = sessions.refresh(current.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        }
        assertEquals(0, families.historyRows(), "nothing stored per refresh token");
        assertEquals(200, families.stored(sessionId).generation());
        SessionTokens last = current;

        advance(ABSOLUTE_LIFETIME - 200 * 130 - 60);
        assertRefused(() -> sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(families.stored(sessionId).isRevoked(), "generation 0 of 201, near the end of the session's life");
        assertRefused(() -> sessions.refresh(last.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertTrue(audit.contains("refresh_reuse_detected family_revoked"), audit.toString());
    }

    @Test
    void aTokenForgedForAKnownSessionEndsNothingWhateverGenerationItNames() {
        SessionService sessions = service();
        SessionTokens victim = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens current = sessions.refresh(victim.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        current = sessions.refresh(current.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        String sessionId = familyOf(victim);
        // The session id is public (the access token's sid); the secret is not.
        RefreshTokens otherSecret = RefreshTokens.with(SessionSettings.defaults(), RandomTokens.bytes(32));
        advance(GRACE + 1);

        for (int generation : new int[] {0, 1, 2, 3}) {
            String forged = otherSecret.mint(sessionId, generation);
            assertRefused(() -> sessions.refresh(forged, CLIENT, NO_CSRF_CHECK, UNBOUND));
            sessions.logout(Optional.empty(), Optional.of(forged), CLIENT, NO_CSRF_CHECK);
        }
        String tampered = flipOneBit(current.refreshToken());
        assertRefused(() -> sessions.refresh(tampered, CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertFalse(families.stored(sessionId).isRevoked());
        assertFalse(revoked(current));
        assertFalse(audit.contains("refresh_reuse_detected family_revoked"), audit.toString());
        assertEquals(sessionId, familyOf(sessions.refresh(current.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)),
                "the owner's token still rotates");
    }

    @Test
    void withTheSecretButNotTheDatabaseRowATokenOfAnyLiveGenerationIsStillRefusedAndEndsNothing() {
        SessionService sessions = service();
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens current = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        String sessionId = familyOf(first);
        // Someone holding the secret mints the current generation and a future one: the random
        // part of the current token is in no table, so neither is the token the session issued.
        for (int generation : new int[] {1, 2, 99}) {
            String minted = sessions.refreshTokens.mint(sessionId, generation);
            assertRefused(() -> sessions.refresh(minted, CLIENT, NO_CSRF_CHECK, UNBOUND));
        }
        assertFalse(families.stored(sessionId).isRevoked());
        assertEquals(sessionId, familyOf(sessions.refresh(current.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)));
    }

    @Test
    void aTokenSignedWithThePreviousSecretStillRotatesIntoOneSignedWithTheCurrentOne() {
        byte[] previous = RandomTokens.bytes(32);
        SessionService before = service();
        before.refreshTokens = RefreshTokens.with(before.settings, previous);
        SessionTokens issuedBefore = before.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        Map<String, String> rotating = settings(GRACE, MAX_PER_USER);
        rotating.put(SessionSettings.REFRESH_TOKEN_SECRET, java.util.Base64.getEncoder().encodeToString(refreshTokenSecret));
        rotating.put(SessionSettings.PREVIOUS_REFRESH_TOKEN_SECRET, java.util.Base64.getEncoder().encodeToString(previous));
        SessionService after = service(rotating);

        SessionTokens rotated = after.refresh(issuedBefore.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertTrue(after.refreshTokens.identify(rotated.refreshToken()).isPresent());
        assertTrue(service().refreshTokens.identify(rotated.refreshToken()).isPresent(),
                "signed with the current secret alone, once the previous one is gone");
    }

    @Test
    void aSessionFromBeforeSelfIdentifyingTokensRotatesIntoThemAndItsOldTokensAreStillReuse() {
        SessionService sessions = service();
        UserAccount owner = user();
        String legacyToken = RandomTokens.base64Url(RefreshTokens.LEGACY_TOKEN_BYTES);
        String legacyHash = RefreshTokens.hash(legacyToken);
        String sessionId = TokenFamily.newId();
        families.addLegacySession(new TokenFamily(sessionId, owner.id(), clock.instant(), Duration.ofSeconds(ABSOLUTE_LIFETIME),
                false, AuthenticationMethods.PASSWORD_ONLY, legacyHash, CLIENT.ip(), CLIENT.userAgent(), UNBOUND),
                new RefreshTokenRecord(legacyHash, sessionId, 0, clock.instant()));

        SessionTokens migrated = sessions.refresh(legacyToken, CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(Optional.of(new RefreshTokens.Identity(sessionId, 1)), sessions.refreshTokens.identify(migrated.refreshToken()));
        SessionTokens next = sessions.refresh(migrated.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        assertEquals(1, families.historyRows(), "the legacy token's row only");
        advance(GRACE + 1);

        assertRefused(() -> sessions.refresh(legacyToken, CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertTrue(families.stored(sessionId).isRevoked());
        assertTrue(revoked(next));
    }

    @Test
    void duringARollingUpgradeLegacyTokensAreIssuedWithTheirHistoryAndStillRotate() {
        Map<String, String> upgrading = settings(GRACE, MAX_PER_USER);
        upgrading.put(SessionSettings.REFRESH_TOKEN_FORMAT, "legacy");
        SessionService sessions = service(upgrading);
        SessionTokens first = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens second = sessions.refresh(first.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        assertTrue(RefreshTokens.isLegacy(first.refreshToken()));
        assertTrue(RefreshTokens.isLegacy(second.refreshToken()), "what an older node can read");
        assertEquals(2, families.historyRows());
        assertEquals(familyOf(first), familyOf(service().refresh(second.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)),
                "and a node back on the default takes them over");
    }

    private static String flipOneBit(String token) {
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(token);
        bytes[bytes.length / 2] ^= 1;
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // Sessions that have ended

    @Test
    void aSessionPastItsAbsoluteLifetimeIsRefusedHoweverRecentlyUsed() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        for (long used = 0; used + IDLE_TIMEOUT / 2 < ABSOLUTE_LIFETIME; used += IDLE_TIMEOUT / 2) {
            advance(IDLE_TIMEOUT / 2);
            tokens = sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        }
        SessionTokens last = tokens;
        advance(IDLE_TIMEOUT / 2);

        assertRefused(() -> sessions.refresh(last.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertEquals("refresh refused_session_ended", audit.get(audit.size() - 1));
    }

    @Test
    void aRememberedSessionLivesItsLongerLifetimeWithPersistentCookiesAndStillNeverSlides() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens browser = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens remembered = sessions.start(user, true, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        assertFalse(browser.persistent());
        assertTrue(remembered.persistent());
        assertEquals(Duration.ofSeconds(REMEMBER_ME_LIFETIME), remembered.sessionRemaining());
        assertTrue(sessions.isRemembered(familyOf(remembered)));
        assertFalse(sessions.isRemembered(familyOf(browser)));

        SessionTokens tokens = remembered;
        for (long used = 0; used + IDLE_TIMEOUT / 2 < REMEMBER_ME_LIFETIME; used += IDLE_TIMEOUT / 2) {
            advance(IDLE_TIMEOUT / 2);
            tokens = sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
            assertTrue(tokens.persistent(), "a rotation keeps the session remembered");
            assertEquals(Duration.ofSeconds(REMEMBER_ME_LIFETIME - used - IDLE_TIMEOUT / 2), tokens.sessionRemaining(),
                    "the expiry never moves");
        }
        SessionTokens last = tokens;
        advance(IDLE_TIMEOUT / 2);
        assertRefused(() -> sessions.refresh(last.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
    }

    @Test
    void theRememberMeLifetimeIsNeverShorterThanABrowserSessions() {
        Map<String, String> shorter = settings(GRACE, MAX_PER_USER);
        shorter.put(SessionSettings.REMEMBER_ME_LIFETIME_SECONDS, Long.toString(ABSOLUTE_LIFETIME - 1));
        assertThrows(dev.latchkey.config.InvalidSettingException.class, () -> SessionSettings.from(SettingsSource.of(shorter)));
    }

    @Test
    void aSessionIdleForTheIdleTimeoutIsRefused() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens tokens = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        advance(IDLE_TIMEOUT - 1);
        SessionTokens used = sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        advance(IDLE_TIMEOUT);

        assertRefused(() -> sessions.refresh(used.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertEquals(List.of(), sessions.liveSessions(user.id()));
    }

    @Test
    void aRevokedSessionIsRefusedAndGarbageIsRefusedAlike() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens tokens = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        assertTrue(sessions.endSessionOf(user.id(), familyOf(tokens), TokenFamily.RevocationReason.REVOKED_BY_USER));
        assertFalse(sessions.endSessionOf(user.id(), familyOf(tokens), TokenFamily.RevocationReason.REVOKED_BY_USER),
                "already ended");

        assertRefused(() -> sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertTrue(revoked(tokens));
        assertRefused(() -> sessions.refresh(RandomTokens.base64Url(RefreshTokens.LEGACY_TOKEN_BYTES), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertRefused(() -> sessions.refresh("not a refresh token", CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertRefused(() -> sessions.refresh(null, CLIENT, NO_CSRF_CHECK, UNBOUND));
    }

    @Test
    void onlyTheOwnerCanEndASessionById() {
        SessionService sessions = service();
        UserAccount owner = user();
        UserAccount other = user();
        SessionTokens tokens = sessions.start(owner, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        assertFalse(sessions.endSessionOf(other.id(), familyOf(tokens), TokenFamily.RevocationReason.REVOKED_BY_USER));

        assertFalse(revoked(tokens));
        sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
    }

    // The account changed since the session began

    @Test
    void aDisabledAccountEndsTheSessionAtItsNextRefresh() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens tokens = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        advance(60);
        user.disable(clock.instant());

        assertRefused(() -> sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(families.stored(familyOf(tokens)).isRevoked());
        assertTrue(revoked(tokens));
        assertEquals("refresh refused_account_changed", audit.get(audit.size() - 1));
    }

    @Test
    void aPasswordChangedSinceTheSessionBeganEndsItButNotALaterSession() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens before = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        advance(60);
        user.changePassword("$2b$10$another-hash", clock.instant());
        advance(1);
        SessionTokens after = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        assertRefused(() -> sessions.refresh(before.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));

        assertTrue(revoked(before));
        assertEquals(familyOf(after), familyOf(sessions.refresh(after.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND)));
    }

    // The session limit

    @Test
    void aLoginBeyondTheLimitEndsTheOldestSession() {
        SessionService sessions = service();
        UserAccount user = user();
        List<SessionTokens> started = new ArrayList<>();
        for (int i = 0; i <= MAX_PER_USER; i++) {
            started.add(sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND));
            advance(1);
        }

        SessionTokens oldest = started.get(0);
        assertRefused(() -> sessions.refresh(oldest.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        assertTrue(revoked(oldest));
        assertEquals(started.subList(1, started.size()).stream().map(this::familyOf).toList(),
                sessions.liveSessions(user.id()).stream().map(TokenFamily::id).toList());
        for (SessionTokens kept : started.subList(1, started.size())) {
            assertFalse(revoked(kept));
            sessions.refresh(kept.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
        }
        assertTrue(audit.contains("session_revoked session_limit"), audit.toString());
    }

    @Test
    void theLimitCountsOnlyLiveSessionsOfThatUser() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens ended = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        sessions.logout(Optional.empty(), Optional.of(ended.refreshToken()), CLIENT, NO_CSRF_CHECK);
        for (int i = 0; i < MAX_PER_USER; i++) {
            sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        }
        List<SessionTokens> own = new ArrayList<>();
        for (int i = 0; i < MAX_PER_USER; i++) {
            own.add(sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND));
            advance(1);
        }

        for (SessionTokens tokens : own) {
            assertFalse(revoked(tokens));
        }
        assertEquals(MAX_PER_USER, sessions.liveSessions(user.id()).size());
    }

    @Test
    void zeroMeansNoLimit() {
        SessionService sessions = service(settings(GRACE, 0));
        UserAccount user = user();
        SessionTokens first = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        for (int i = 0; i < 20; i++) {
            advance(1);
            sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        }

        assertFalse(revoked(first));
        assertEquals(21, sessions.liveSessions(user.id()).size());
    }

    // Logout

    @Test
    void logoutEndsTheSessionOfTheRefreshTokenAndKillsTheAccessToken() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens sameSession = sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);

        sessions.logout(Optional.of(verified(sameSession)), Optional.of(sameSession.refreshToken()), CLIENT, NO_CSRF_CHECK);

        assertTrue(revoked(sameSession));
        assertTrue(revoked(tokens), "every access token of the session");
        assertTrue(families.stored(familyOf(tokens)).isRevoked());
        assertEquals("logout success", audit.get(audit.size() - 1));
        assertRefused(() -> sessions.refresh(sameSession.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        // Idempotent: logging out of an ended session, or with nothing, is fine.
        sessions.logout(Optional.of(verified(sameSession)), Optional.of(sameSession.refreshToken()), CLIENT, NO_CSRF_CHECK);
        sessions.logout(Optional.empty(), Optional.empty(), CLIENT, NO_CSRF_CHECK);
    }

    @Test
    void logoutWithTheAccessTokenAloneEndsItsSession() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        sessions.logout(Optional.of(verified(tokens)), Optional.empty(), CLIENT, NO_CSRF_CHECK);

        assertTrue(revoked(tokens));
        assertRefused(() -> sessions.refresh(tokens.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
    }

    @Test
    void anAccessTokenNamingAnotherUsersSessionEndsOnlyItself() {
        SessionService sessions = service();
        SessionTokens victims = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens attackers = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        VerifiedAccessToken attacker = verified(attackers);
        VerifiedAccessToken pointingElsewhere = new VerifiedAccessToken(attacker.subject(), attacker.jti(),
                familyOf(victims), attacker.groups(), attacker.issuedAt(), attacker.expiresAt(), attacker.keyId());

        sessions.logout(Optional.of(pointingElsewhere), Optional.empty(), CLIENT, NO_CSRF_CHECK);

        assertTrue(revoked(attackers), "its own jti is revoked");
        assertFalse(families.stored(familyOf(victims)).isRevoked());
        assertFalse(revoked(victims));
    }

    @Test
    void aRefusedCsrfCheckOnLogoutRevokesNothing() {
        SessionService sessions = service();
        SessionTokens tokens = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);

        assertThrows(IllegalStateException.class, () -> sessions.logout(Optional.of(verified(tokens)),
                Optional.of(tokens.refreshToken()), CLIENT, familyId -> {
                    throw new IllegalStateException("forged");
                }));

        assertFalse(revoked(tokens));
        assertFalse(families.stored(familyOf(tokens)).isRevoked());
    }

    // Ending every session

    @Test
    void endAllSessionsEndsEverySessionOfTheUserAndEveryEarlierToken() {
        SessionService sessions = service();
        UserAccount user = user();
        SessionTokens one = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        advance(1);
        SessionTokens two = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        SessionTokens someoneElse = sessions.start(user(), false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        advance(1);

        sessions.endAllSessions(user.id(), TokenFamily.RevocationReason.LOGOUT_ALL, AuditEvent.LOGOUT_ALL, CLIENT);
        assertEquals("logout_all success", audit.get(audit.size() - 1));

        for (SessionTokens ended : List.of(one, two)) {
            assertTrue(revoked(ended));
            assertRefused(() -> sessions.refresh(ended.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND));
        }
        assertEquals(List.of(), sessions.liveSessions(user.id()));
        assertFalse(revoked(someoneElse));

        advance(1);
        SessionTokens later = sessions.start(user, false, AuthenticationMethods.PASSWORD_ONLY, CLIENT, UNBOUND);
        assertFalse(revoked(later), "a login after it is unaffected");
        sessions.refresh(later.refreshToken(), CLIENT, NO_CSRF_CHECK, UNBOUND);
    }
}
