package dev.latchkey.cluster;

import dev.latchkey.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.parsing.ParserRegistry;
import org.infinispan.health.HealthStatus;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.topology.CacheTopology;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.Protocol;
import org.jgroups.stack.ProtocolStack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The embedded Infinispan cache container, started with the application and stopped with it.
 *
 * <p>Single node without a transport by default ({@code server-config/infinispan/infinispan-local.xml});
 * with {@code latchkey.cluster.enabled=true} a replicated container over JGroups
 * ({@code server-config/infinispan/infinispan.xml} and {@code jgroups-tcp.xml}, sealed and
 * authenticated with the cluster secret: see {@link #channel}). Starting the
 * clustered container joins the cluster and waits for the initial state transfer, so by the time
 * the application serves a request this node holds every other member's revocations.
 */
@ApplicationScoped
public class CacheContainer {

    public static final String REVOCATIONS = "revocations";
    public static final String RATE_LIMITS = "rate-limits";
    public static final String DPOP_PROOFS = "dpop-proofs";
    public static final String ROLE_PERMISSIONS = "role-permissions";
    private static final String JDBC_PING_PASSWORD = "latchkey.cluster.jdbc-ping.password";

    private static final Logger LOG = Logger.getLogger(CacheContainer.class.getName());

    @Inject
    ClusterSettings settings;

    private DefaultCacheManager manager;

    @Inject
    Clock clock;

    @Inject
    Metrics metrics;

    @Inject
    Event<ReplicaReloadRequested> reloadRequested;

    private final ClockOffsets clockOffsets = new ClockOffsets();

    /** Null unless clustered: a single node has no view to doubt. */
    private ViewConfirmation viewConfirmation;

    @PostConstruct
    void start() {
        Properties placeholders = new Properties();
        // Only for the Infinispan file (the cluster name); the JGroups stack is resolved on its own
        // below. Nothing goes into system properties, which any code in the JVM can read.
        settings.transportPlaceholders().forEach(placeholders::setProperty);
        placeholders.remove(JDBC_PING_PASSWORD);
        ClassLoader classLoader = CacheContainer.class.getClassLoader();
        ParserRegistry parser = new ParserRegistry(classLoader, false, placeholders);
        try {
            ConfigurationBuilderHolder holder = settings.infinispanConfiguration().isPresent()
                    ? parser.parse(Path.of(settings.infinispanConfiguration().get()))
                    : parser.parse(bundled(classLoader));
            holder.getGlobalConfigurationBuilder().classLoader(classLoader);
            if (settings.enabled()) {
                // Always Latchkey's own channel, sealed and authenticated, whatever the file says.
                holder.getGlobalConfigurationBuilder().transport().transport(new JGroupsTransport(channel(classLoader)));
            }
            manager = new DefaultCacheManager(holder, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Infinispan configuration", e);
        }
        // Starting the cache joins it and, when clustered, receives the current state first.
        manager.getCache(REVOCATIONS);
        LOG.info(() -> settings.enabled()
                ? "Joined cluster " + manager.getClusterName() + " as " + manager.getAddress() + "; members " + manager.getMembers()
                : "Revocation cache running on this node only (latchkey.cluster.enabled=false)");
    }

    /** At boot, in the container only: the unit tests and benchmarks start containers of their own. */
    void registerMeters(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Gauge.builder("latchkey.cluster.members", this, CacheContainer::memberCount)
                .description("Members of the cluster as this node sees it (1 when not clustered)").register(metrics.registry());
        Gauge.builder("latchkey.cluster.degraded", this, container -> container.isHealthy() ? 0 : 1)
                .description("1 while this node's caches are not all available (a lost quorum, a partition)").register(metrics.registry());
        Gauge.builder("latchkey.cluster.view.unconfirmed", this, container -> container.isViewConfirmed() ? 0 : 1)
                .description("1 while this node, after its JVM stood still, has not yet heard from every member of its view")
                .register(metrics.registry());
        Gauge.builder("latchkey.cluster.clock.offset.max", this, container -> Math.abs(container.clockCheck().largestOffsetMillis()))
                .baseUnit("milliseconds")
                .description("The largest difference between this node's clock and a peer's").register(metrics.registry());
    }

    /**
     * The JGroups channel from the configured stack file, with placeholders filled from Latchkey's
     * configuration, and two protocols added that no stack file can leave out: {@link ChannelSeal}
     * directly above the transport (every message sealed, everything unsealed dropped) and
     * {@code AUTH} with a {@link SecretProofToken} directly below {@code GMS} (a join must prove
     * knowledge of the secret).
     */
    private JChannel channel(ClassLoader classLoader) throws IOException {
        ClusterKeys keys = ClusterKeys.from(settings.secret()
                .orElseThrow(() -> new IllegalStateException(ClusterSettings.SECRET + " is not set")));
        String stack = StackPlaceholders.resolve(readStack(classLoader, settings.jgroupsStack()), settings.transportPlaceholders());
        try {
            JChannel channel = new JChannel(new ByteArrayInputStream(stack.getBytes(StandardCharsets.UTF_8)));
            ProtocolStack protocols = channel.getProtocolStack();
            if (protocols.findProtocol(ChannelSeal.class) != null || protocols.findProtocol(AUTH.class) != null) {
                throw new IllegalStateException("The JGroups stack " + settings.jgroupsStack()
                        + " must not declare ChannelSeal or AUTH: Latchkey adds both itself");
            }
            if (protocols.getTransport().supportsMulticasting()) {
                // IP multicast reaches members a view has excluded, and ViewConfirmation takes a
                // member's multicast as its word that it still counts this node in.
                throw new IllegalStateException("The JGroups stack " + settings.jgroupsStack()
                        + " must use a TCP transport, not IP multicast (UDP): see docs/cluster.md");
            }
            viewConfirmation = new ViewConfirmation(System::nanoTime, clock::millis, settings.maxClockOffset(), new CachesAfterPause());
            ChannelSeal seal = new ChannelSeal(keys.sealKey(), settings.clusterName(), clock, clockOffsets, settings.maxClockOffset(),
                    viewConfirmation);
            protocols.insertProtocol(seal, ProtocolStack.Position.ABOVE, TP.class);
            AUTH auth = new AUTH().setAuthToken(new SecretProofToken(keys.joinKey()));
            protocols.insertProtocol(auth, ProtocolStack.Position.BELOW, GMS.class);
            // Inserted after the stack was initialised: initialise them as the stack did the others.
            for (Protocol added : new Protocol[] {seal, auth}) {
                added.setProtocolStack(protocols);
                added.init();
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build the JGroups stack " + settings.jgroupsStack(), e);
        }
    }

    private static String readStack(ClassLoader classLoader, String location) throws IOException {
        URL resource = classLoader.getResource(location);
        if (resource != null) {
            try (InputStream in = resource.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(location), StandardCharsets.UTF_8);
    }

    private URL bundled(ClassLoader classLoader) {
        String resource = settings.enabled() ? "infinispan/infinispan.xml" : "infinispan/infinispan-local.xml";
        URL url = classLoader.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is missing from the application");
        }
        return url;
    }

    @PreDestroy
    void stop() {
        if (manager != null) {
            manager.stop();
        }
    }

    public <K, V> Cache<K, V> cache(String name) {
        return manager.getCache(name);
    }

    public boolean isClustered() {
        return settings.enabled();
    }

    /** Healthy means running and, when clustered, a member of a cluster whose caches are all available. */
    public boolean isHealthy() {
        return manager.getStatus().allowInvocations()
                && manager.getHealth().getClusterHealth().getHealthStatus() != HealthStatus.DEGRADED;
    }

    /**
     * False while this node, after its JVM stood still for seconds, has not yet heard from every
     * member of its view that they still count it in ({@link ViewConfirmation}): the others may
     * have excluded it, and then its replica misses their revocations.
     */
    public boolean isViewConfirmed() {
        return viewConfirmation == null || viewConfirmation.isConfirmed();
    }

    /**
     * Returns once no member that this node's views excluded lately can still answer from its own
     * replica ({@link QuorumLease}): at once, unless a member was excluded in the last
     * {@link QuorumLease#fence} seconds.
     *
     * @throws InterruptedException when the wait was interrupted
     */
    void awaitExcludedMembersOut() throws InterruptedException {
        if (viewConfirmation == null) {
            return;
        }
        long remaining;
        while ((remaining = viewConfirmation.excludedMayAnswerUntil() - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    /** What {@link ViewConfirmation} asks of this node's caches after a pause. */
    private final class CachesAfterPause implements ViewConfirmation.Caches {

        @Override
        public int topologyId() {
            return manager == null ? -1 : manager.getCache(REVOCATIONS).getAdvancedCache().getDistributionManager().getCacheTopology()
                    .getTopologyId();
        }

        /**
         * The revocations' topology holds every member of the view (every node starts that cache at
         * boot, the others only when first used), and every running cache is available and neither
         * transferring nor merging state.
         */
        @Override
        public boolean settled() {
            if (manager == null || !manager.getStatus().allowInvocations()) {
                return false;
            }
            List<Address> view = manager.getMembers();
            for (String name : List.of(REVOCATIONS, RATE_LIMITS, DPOP_PROOFS, ROLE_PERMISSIONS)) {
                if (!manager.isRunning(name)) {
                    continue;
                }
                AdvancedCache<?, ?> cache = manager.getCache(name).getAdvancedCache();
                CacheTopology topology = cache.getDistributionManager().getCacheTopology();
                if (cache.getAvailability() != AvailabilityMode.AVAILABLE || topology.getPhase() != CacheTopology.Phase.NO_REBALANCE
                        || (name.equals(REVOCATIONS) && !topology.getActualMembers().containsAll(view))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public CompletionStage<Void> reload() {
            return reloadRequested == null ? CompletableFuture.completedFuture(null)
                    : reloadRequested.fireAsync(new ReplicaReloadRequested()).thenApply(event -> null);
        }
    }

    /** How this node's clock compares with its peers' (nothing to compare on a single node). */
    public ClockCheck clockCheck() {
        if (!settings.enabled()) {
            return new ClockCheck(true, 0, 0);
        }
        ClockOffsets.Status status = clockOffsets.evaluate(System.nanoTime(), settings.maxClockOffset());
        return new ClockCheck(!status.outOfSync(), status.largestOffsetMillis(), status.peersHeard());
    }

    /**
     * @param inSync              false when this node's clock disagrees with most of its peers' by more
     *                            than {@code latchkey.cluster.max-clock-offset-seconds}
     * @param largestOffsetMillis the peer clock furthest from this one, minus this one
     * @param peersHeard          peers whose clock this node has seen recently
     */
    public record ClockCheck(boolean inSync, long largestOffsetMillis, int peersHeard) {
    }

    public int memberCount() {
        return settings.enabled() ? manager.getMembers().size() : 1;
    }
}
