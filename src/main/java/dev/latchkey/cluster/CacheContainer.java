package dev.latchkey.cluster;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.infinispan.Cache;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.parsing.ParserRegistry;
import org.infinispan.health.HealthStatus;
import org.infinispan.manager.DefaultCacheManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The embedded Infinispan cache container, started with the application and stopped with it.
 *
 * <p>Single node without a transport by default ({@code server-config/infinispan/infinispan-local.xml});
 * with {@code latchkey.cluster.enabled=true} a replicated container over JGroups
 * ({@code server-config/infinispan/infinispan.xml} and {@code jgroups-tcp.xml}). Starting the
 * clustered container joins the cluster and waits for the initial state transfer, so by the time
 * the application serves a request this node holds every other member's revocations.
 */
@ApplicationScoped
public class CacheContainer {

    public static final String REVOCATIONS = "revocations";
    public static final String RATE_LIMITS = "rate-limits";

    private static final Logger LOG = Logger.getLogger(CacheContainer.class.getName());

    @Inject
    ClusterSettings settings;

    private DefaultCacheManager manager;

    @PostConstruct
    void start() {
        Properties placeholders = new Properties();
        // JGroups resolves placeholders from system properties only, so the configured values
        // (from the environment or -D alike) are copied there before the stack starts.
        settings.transportPlaceholders().forEach((key, value) -> {
            placeholders.setProperty(key, value);
            System.setProperty(key, value);
        });
        ClassLoader classLoader = CacheContainer.class.getClassLoader();
        ParserRegistry parser = new ParserRegistry(classLoader, false, placeholders);
        try {
            ConfigurationBuilderHolder holder = settings.infinispanConfiguration().isPresent()
                    ? parser.parse(Path.of(settings.infinispanConfiguration().get()))
                    : parser.parse(bundled(classLoader));
            holder.getGlobalConfigurationBuilder().classLoader(classLoader);
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

    public int memberCount() {
        return settings.enabled() ? manager.getMembers().size() : 1;
    }
}
