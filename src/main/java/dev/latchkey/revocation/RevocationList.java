package dev.latchkey.revocation;

import dev.latchkey.cluster.ReplicaReloadRequested;
import dev.latchkey.metrics.CountersByTag;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.token.TokenSettings;
import dev.latchkey.token.VerifiedAccessToken;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one revocation list. Access tokens are checked against it on every authenticated request,
 * from memory; every revocation is written to the database (the durable record) and to the cache
 * before the call returns, so a restart cannot bring a revoked token back to life.
 *
 * <p>A node that starts loads every live revocation from the database into its own replica before
 * it serves (and, in a cluster, also receives the members' entries by state transfer), so neither
 * a restarted node nor a restarted cluster accepts a revoked token.
 *
 * <p>Three kinds of entry, each a key with a not-before time:
 * <ul>
 *   <li>{@code jti:} one access token (logout);</li>
 *   <li>{@code sid:} every access token of one session (logout, reuse detection, session revocation);</li>
 *   <li>{@code sub:} every access token of a user issued before a moment (logout-all, password
 *       change, disable). Not-before is truncated to whole seconds because {@code iat} is in whole
 *       seconds: a token issued in the same second survives this entry, which is why those flows
 *       revoke each session by {@code sid} as well.</li>
 * </ul>
 */
@ApplicationScoped
public class RevocationList {

    private static final Logger LOG = Logger.getLogger(RevocationList.class.getName());

    @Inject
    RevocationRepository repository;

    @Inject
    RevocationCache cache;

    @Inject
    TokenSettings tokenSettings;

    @Inject
    Clock clock;

    @Inject
    Metrics metrics;

    /** What an entry refuses, as the {@code kind} tag of {@code latchkey.revocations}: named after the claim it matches. */
    enum Kind { JTI, SID, SUB, KID }

    private CountersByTag<Kind> revoked;

    private volatile boolean loaded;

    @PostConstruct
    void registerMeters() {
        revoked = metrics.countersByTag("latchkey.revocations", "Revocation entries written, by the claim they match",
                "kind", Kind.class);
        Gauge.builder("latchkey.revocation.entries", cache, RevocationCache::size)
                .description("Live entries in this node's copy of the revocation list")
                .register(metrics.registry());
    }

    /** Runs after the schema migration and before the application reports ready. */
    void loadAtBoot(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @Initialized(ApplicationScoped.class) Object started) {
        Map<String, Revocation> live = repository.findLive(clock.instant());
        cache.putAll(live);
        loaded = true;
        LOG.info(() -> "Revocation list loaded: " + live.size() + " live entries from the database, "
                + cache.size() + " in the cache");
    }

    /**
     * After this node's JVM stood still, the others may have revoked tokens while they no longer
     * sent it their writes ({@code cluster.ViewConfirmation}): every durable revocation again, as at
     * boot. Until this is done the node refuses every revocation check.
     */
    void reloadAfterPause(@ObservesAsync ReplicaReloadRequested requested) {
        Map<String, Revocation> live = repository.findLive(clock.instant());
        cache.putAll(live);
        LOG.info(() -> "Revocation list reloaded after a pause: " + live.size() + " live entries from the database");
    }

    /** True once this node holds every durable revocation: until then it must not serve authenticated traffic. */
    public boolean isLoaded() {
        return loaded;
    }

    public void revokeAccessToken(String jti, Instant expiresAt) {
        store(Kind.JTI, tokenKey(jti), new Revocation(Revocation.ALWAYS, tokenSettings.withSkew(expiresAt)));
    }

    public void revokeSession(String familyId) {
        store(Kind.SID, sessionKey(familyId), new Revocation(Revocation.ALWAYS, lastPossibleExpiryOfTokensIssuedNow()));
    }

    public void revokeUserTokensIssuedBefore(String userId, Instant moment) {
        store(Kind.SUB, userKey(userId), new Revocation(moment.truncatedTo(ChronoUnit.SECONDS), lastPossibleExpiryOfTokensIssuedNow()));
    }

    /**
     * Refuses every access token of these users issued up to now, <em>including</em> this second:
     * their rights changed, and a token issued in the same second may still carry the old ones.
     * Not-before is therefore the next whole second ({@code iat} has whole seconds), and the
     * issuer waits for it ({@link #userTokensNotBefore}) rather than issue a token that would be
     * refused. Call it after the change has committed, so that no token issued from the old rights
     * can carry a later {@code iat}.
     *
     * @param userIds one batch: written in one transaction, then to the cache
     */
    public void cutOffUserTokens(Collection<String> userIds) {
        Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Map<String, Revocation> entries = new LinkedHashMap<>();
        for (String userId : userIds) {
            entries.put(userKey(userId), new Revocation(notBefore, lastPossibleExpiryOfTokensIssuedNow().plusSeconds(1)));
        }
        repository.saveAll(entries);
        entries.forEach(cache::put);
        entries.keySet().forEach(key -> revoked.increment(Kind.SUB));
    }

    /**
     * The earliest {@code iat} a new token of the user may have and not be refused at once, when a
     * token whose rights were read at {@code rightsReadAt} would be: only just after a change of
     * the user's rights.
     */
    public Optional<Instant> userTokensNotBefore(String userId, Instant rightsReadAt) {
        Instant now = clock.instant();
        return cache.get(userKey(userId))
                .filter(revocation -> now.isBefore(revocation.expiresAt()))
                .map(Revocation::notBefore)
                .filter(notBefore -> notBefore.isAfter(rightsReadAt.truncatedTo(ChronoUnit.SECONDS)));
    }

    /**
     * Forgets the user's {@code sub:} entry: part of erasing the account, after every one of its
     * sessions was revoked by {@code sid:} (every access token belongs to a session), so that no
     * row names the user and no token comes back.
     */
    public void forgetUser(String userId) {
        repository.delete(userKey(userId));
        cache.remove(userKey(userId));
    }

    /**
     * A fourth kind of entry, {@code kid:}: every access token signed by one signing key (the key
     * was revoked). The key set drops a revoked key too, but each node only at its next re-read;
     * this entry travels with the revocation list, so every node refuses the key's tokens at once.
     *
     * @param until when every token the key signed has expired; the entry can be forgotten then
     */
    public void revokeSigningKey(String kid, Instant until) {
        store(Kind.KID, signingKeyKey(kid), new Revocation(Revocation.ALWAYS, until));
    }

    public boolean isSignedWithRevokedKey(VerifiedAccessToken token) {
        return token.keyId() != null && matches(signingKeyKey(token.keyId()), token, clock.instant());
    }

    public boolean isRevoked(VerifiedAccessToken token) {
        Instant now = clock.instant();
        return matches(tokenKey(token.jti()), token, now)
                || (token.familyId() != null && matches(sessionKey(token.familyId()), token, now))
                || matches(userKey(token.subject()), token, now);
    }

    /** Forgets entries that can no longer match a live token. */
    public void prune() {
        Instant now = clock.instant();
        // The cache expires its entries by their lifespan; only the durable rows need deleting.
        repository.deleteExpired(now);
    }

    private boolean matches(String key, VerifiedAccessToken token, Instant now) {
        return cache.get(key).map(revocation -> revocation.matches(token.issuedAt(), now)).orElse(false);
    }

    private void store(Kind kind, String key, Revocation revocation) {
        repository.save(key, revocation);
        cache.put(key, revocation);
        revoked.increment(kind);
    }

    private Instant lastPossibleExpiryOfTokensIssuedNow() {
        return tokenSettings.lastAcceptedExpiryOfTokensIssuedAt(clock.instant());
    }

    static String tokenKey(String jti) {
        return "jti:" + jti;
    }

    static String sessionKey(String familyId) {
        return "sid:" + familyId;
    }

    static String userKey(String userId) {
        return "sub:" + userId;
    }

    static String signingKeyKey(String kid) {
        return "kid:" + kid;
    }
}
