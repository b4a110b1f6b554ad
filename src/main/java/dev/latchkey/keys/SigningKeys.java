package dev.latchkey.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.persistence.DatabaseMigration;
import dev.latchkey.time.ClockProducer;
import dev.latchkey.token.SigningKeyRing;
import dev.latchkey.token.TokenSettings;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The key ring: the key that signs new access tokens, and every key a token may be verified
 * with, looked up by {@code kid}. Every node reads the same key set from the database (the
 * {@code signing_key} table), and re-reads it every {@code latchkey.keys.refresh-seconds}, so a
 * key generated, promoted, retired or revoked with the key tool reaches every node by itself.
 *
 * <p>Which keys verify, and which are published in the JWKS: next and active keys always;
 * retired keys until every token they could have signed has expired (retirement, plus the
 * longest a node may keep signing with the key before it re-reads the set, plus the token
 * lifetime and the clock skew); revoked keys never.
 */
@ApplicationScoped
public class SigningKeys implements SigningKeyRing {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

    @Inject
    KeySettings settings;

    @Inject
    TokenSettings tokenSettings;

    @Inject
    Clock clock;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Metrics metrics;

    private SigningKeyStore store;
    private KeyEncryptionKey kek;
    private ScheduledFuture<?> refresher;
    private volatile Ring ring;
    /** When this node last read a usable key set from the database (null: never, or HS256 mode). */
    private volatile Instant lastRead;

    /**
     * One immutable snapshot of the key set; replaced as a whole on every re-read.
     *
     * @param activeSince when the active key was promoted (null for a key that has no row: HS256, tools)
     */
    private record Ring(ManagedKey active, Instant activeSince, Map<String, Entry> byKid, Map<String, String> sealedByKid) {
    }

    private record Entry(ManagedKey key, Instant retiredAt) {
    }

    @PostConstruct
    void load() {
        if (tokenSettings.hmacMode()) {
            ManagedKey hmac = HmacSecret.toManagedKey(tokenSettings.hs256Secret().orElseThrow(() -> new IllegalStateException(
                    "latchkey.token.algorithm=HS256 needs latchkey.token.hs256-secret (LATCHKEY_TOKEN_HS256_SECRET)")));
            LOG.warning("Signing access tokens with HS256: every verifier holds the signing secret. See docs/keys.md.");
            ring = singleKeyRing(hmac);
            return;
        }
        store = new SigningKeyStore(dataSource::getConnection);
        Optional<KeyEncryptionKey> configured = settings.configuredKeyEncryptionKey();
        kek = settings.keyEncryptionKeyOrDevelopment();
        List<StoredSigningKey> keys = store.findAll();
        if (keys.stream().noneMatch(key -> key.state() == KeyState.ACTIVE)) {
            if (configured.isPresent()) {
                throw new IllegalStateException("There is no active signing key in the database. Create one with the"
                        + " key tool (generate, then promote); see the rotation runbook in docs/keys.md.");
            }
            keys = createFirstDevelopmentKey();
        }
        ring = build(keys, null).orElseThrow(() -> new IllegalStateException(
                "The active signing key cannot be opened with this key-encryption key"));
        lastRead = clock.instant();
        LOG.info(() -> "Signing with key " + ring.active().kid() + " (" + ring.active().algorithm() + "); "
                + ring.byKid().size() + " keys trusted");
    }

    /**
     * Created and scheduled at boot, after the schema migration (which observes this event
     * earlier): a key set that does not open stops the deployment rather than the first request.
     */
    void startRefreshing(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registerMeters();
        if (store != null) {
            long seconds = settings.refreshInterval().toSeconds();
            refresher = scheduler.scheduleWithFixedDelay(this::refresh, seconds, seconds, TimeUnit.SECONDS);
        }
    }

    /** Ages in seconds; NaN where there is nothing to measure (HS256 mode has no key rows and no re-reads). */
    private void registerMeters() {
        Gauge.builder("latchkey.signing.key.active.age", this, keys -> secondsSince(keys.ring.activeSince())).baseUnit("seconds")
                .description("Time since the signing key in use was promoted").register(metrics.registry());
        Gauge.builder("latchkey.signing.keys.trusted", this, keys -> keys.ring.byKid().size())
                .description("Keys whose tokens this node accepts").register(metrics.registry());
        Gauge.builder("latchkey.signing.keys.read.age", this, keys -> secondsSince(keys.lastRead)).baseUnit("seconds")
                .description("Time since this node last read the key set from the database").register(metrics.registry());
    }

    private double secondsSince(Instant moment) {
        return moment == null ? Double.NaN : Duration.between(moment, clock.instant()).toMillis() / 1000.0;
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    /** A key ring over one key, outside any container (for tools and unit tests). */
    public static SigningKeys of(ManagedKey active) {
        SigningKeys keys = new SigningKeys();
        keys.clock = ClockProducer.system();
        keys.settings = KeySettings.defaults();
        keys.tokenSettings = TokenSettings.defaults();
        keys.ring = singleKeyRing(active);
        return keys;
    }

    /**
     * Re-reads the key set now. Runs on schedule, and on demand after a change made through this
     * node. A failure keeps the key set this node already has: an unreachable database must not
     * stop verification, and revocation does not depend on it (see RevocationList).
     */
    public void reload() {
        if (store == null) {
            return;
        }
        Ring current = ring;
        build(store.findAll(), current).ifPresentOrElse(fresh -> {
                    if (!fresh.active().kid().equals(current.active().kid())) {
                        LOG.info(() -> "Now signing with key " + fresh.active().kid() + " (" + fresh.active().algorithm() + ")");
                    }
                    ring = fresh;
                    lastRead = clock.instant();
                }, () -> LOG.severe("The key set has no usable active key; still using the key set read before"));
    }

    void refresh() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Re-reading the signing keys failed ({0}); still using the key set read before",
                    e.getClass().getName());
        }
    }

    /**
     * Whether this node's key set is recent enough to serve: read from the database within
     * {@code latchkey.keys.max-staleness-seconds}. A node whose re-reads keep failing keeps its old
     * key set so that verification goes on through a database outage, but it also keeps trusting
     * any key revoked since, once the revocation list has forgotten that key's {@code kid:} entry:
     * so it reports itself not ready, and the load balancer takes it out, instead of serving with
     * a key set of unknown age. Always true in HS256 mode, which has no key set to re-read.
     */
    public boolean isKeySetFresh() {
        Instant read = lastRead;
        return store == null || (read != null && !clock.instant().isAfter(read.plus(settings.maxStaleness())));
    }

    @Override
    public ManagedKey activeSigningKey() {
        return ring.active();
    }

    @Override
    public Optional<ManagedKey> verificationKey(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.ofNullable(ring.byKid().get(kid)).filter(entry -> trusted(entry, now)).map(Entry::key);
    }

    /**
     * The public halves of the trusted keys. HS256 has no public half and is never published.
     * ({@link JWKSet#toJSONObject()} omits private parameters by default; these JWKs hold none anyway.)
     */
    public JWKSet publicJwkSet() {
        Instant now = clock.instant();
        return new JWKSet(ring.byKid().values().stream()
                .filter(entry -> trusted(entry, now) && entry.key().publicJwk() != null)
                .map(entry -> entry.key().publicJwk())
                .toList());
    }

    /** The algorithms of the keys a consumer may meet today, for the discovery document. */
    public Set<String> trustedAlgorithms() {
        Instant now = clock.instant();
        Set<String> algorithms = new TreeSet<>();
        ring.byKid().values().stream().filter(entry -> trusted(entry, now))
                .forEach(entry -> algorithms.add(entry.key().algorithm().getName()));
        return algorithms;
    }

    /** The key tool's operations, bound to this node's database, clock and key-encryption key. */
    public KeyAdministration administration() {
        if (store == null) {
            throw new IllegalStateException("HS256 mode has no key set to administer");
        }
        return new KeyAdministration(store, clock);
    }

    /**
     * When every token a key retired (or revoked) at {@code retiredAt} could have signed has
     * expired: a node may sign with it until its next re-read of the key set, and what it signed
     * then lives one token lifetime, give or take the clock skew.
     */
    public Instant lastExpiryOfTokensSignedBefore(Instant retiredAt) {
        return tokenSettings.lastAcceptedExpiryOfTokensIssuedAt(retiredAt.plus(settings.refreshInterval()));
    }

    private boolean trusted(Entry entry, Instant now) {
        return entry.retiredAt() == null || now.isBefore(lastExpiryOfTokensSignedBefore(entry.retiredAt()));
    }

    private List<StoredSigningKey> createFirstDevelopmentKey() {
        JWSAlgorithm algorithm = KeyMaterial.parseAlgorithm(tokenSettings.algorithm());
        try {
            StoredSigningKey key = administration().createFirstActive(algorithm, kek);
            LOG.warning(DevelopmentKeyStore.banner("Generated a DEVELOPMENT signing key " + key.kid() + " (" + algorithm
                    + "), sealed under the development key-encryption key in "
                    + settings.developmentDirectory().toAbsolutePath()));
        } catch (SigningKeyStore.ActiveKeyConflictException anotherNodeWasFirst) {
            LOG.info("Another node created the first signing key at the same moment; using it");
        }
        return store.findAll();
    }

    /**
     * Opens every key that is not revoked (or long retired). A key that does not open is left out
     * and logged; a key set whose active key does not open is no key set at all.
     *
     * @param previous the key set of the earlier read, whose opened keys are reused while their
     *                 sealed form is unchanged (or null)
     */
    private Optional<Ring> build(List<StoredSigningKey> keys, Ring previous) {
        Instant now = clock.instant();
        ManagedKey active = null;
        Instant activeSince = null;
        Map<String, Entry> byKid = new HashMap<>();
        Map<String, String> sealedByKid = new HashMap<>();
        for (StoredSigningKey stored : keys) {
            Entry entry = new Entry(null, stored.retiredAt());
            if (stored.state() == KeyState.REVOKED || !trusted(entry, now)) {
                continue;
            }
            Optional<ManagedKey> opened = alreadyOpened(previous, stored).or(() -> open(stored));
            if (opened.isEmpty()) {
                continue;
            }
            byKid.put(stored.kid(), new Entry(opened.get(), stored.state() == KeyState.RETIRED ? stored.retiredAt() : null));
            sealedByKid.put(stored.kid(), stored.sealedPrivateJwk());
            if (stored.state() == KeyState.ACTIVE) {
                active = opened.get();
                activeSince = stored.activatedAt() != null ? stored.activatedAt() : stored.createdAt();
            }
        }
        return active == null ? Optional.empty() : Optional.of(new Ring(active, activeSince, Map.copyOf(byKid), Map.copyOf(sealedByKid)));
    }

    private static Optional<ManagedKey> alreadyOpened(Ring previous, StoredSigningKey stored) {
        if (previous == null || !stored.sealedPrivateJwk().equals(previous.sealedByKid().get(stored.kid()))) {
            return Optional.empty();
        }
        return Optional.of(previous.byKid().get(stored.kid()).key());
    }

    private Optional<ManagedKey> open(StoredSigningKey stored) {
        try {
            ManagedKey key = KeyMaterial.toManagedKey(JWK.parse(kek.open(stored.kid(), stored.algorithm(), stored.sealedPrivateJwk())));
            if (!key.kid().equals(stored.kid()) || !key.algorithm().getName().equals(stored.algorithm())) {
                throw new IllegalStateException("Signing key " + stored.kid() + " does not match its row");
            }
            return Optional.of(key);
        } catch (KeyEncryptionKey.KeyUnsealingException | IllegalStateException e) {
            LOG.severe(e.getMessage());
            return Optional.empty();
        } catch (ParseException e) {
            // A JWK parse message may quote key material: keep it out of the log.
            LOG.severe(() -> "Signing key " + stored.kid() + " is not a valid JWK");
            return Optional.empty();
        }
    }

    private static Ring singleKeyRing(ManagedKey key) {
        return new Ring(key, null, Map.of(key.kid(), new Entry(key, null)), Map.of());
    }
}
