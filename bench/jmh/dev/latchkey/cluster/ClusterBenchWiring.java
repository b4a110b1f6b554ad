package dev.latchkey.cluster;



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
        container.settings = ClusterSettings.defaults();
        container.start();
        return container;
    }

    public static void stop(CacheContainer container) {
        container.stop();
    }
}
