package dev.latchkey.cluster;

import org.eclipse.microprofile.config.Config;

import java.lang.reflect.Proxy;
import java.util.Optional;

/**
 * Starts the real single-node cache container for the JMH benchmarks (bench/jmh): {@link CacheContainer#start()}
 * with {@code latchkey.cluster.enabled=false}, so it reads the bundled
 * {@code infinispan/infinispan-local.xml} (server-config/infinispan) from the class path, as the WAR does.
 */
public final class ClusterBenchWiring {

    private ClusterBenchWiring() {
    }

    public static CacheContainer startLocal() {
        CacheContainer container = new CacheContainer();
        container.clustered = false;
        container.externalConfiguration = Optional.empty();
        container.config = noConfiguration();
        container.start();
        return container;
    }

    public static void stop(CacheContainer container) {
        container.stop();
    }

    /** A MicroProfile Config with nothing set: start() only asks it for the (absent) transport keys. */
    private static Config noConfiguration() {
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getOptionalValue" -> Optional.empty();
                    case "toString" -> "no configuration";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("Config." + method.getName());
                });
    }
}
