package dev.latchkey.cluster;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded cache cluster ({@code latchkey.cluster.*}): whether this node joins one, and the
 * values the bundled Infinispan and JGroups files refer to as {@code ${...}}.
 */
@ApplicationScoped
public class ClusterSettings extends Settings {

    public static final String ENABLED = "latchkey.cluster.enabled";

    /** The placeholders of server-config/infinispan/*.xml, passed through as configured. */
    static final List<String> TRANSPORT_KEYS = List.of(
            "latchkey.cluster.name",
            "latchkey.cluster.bind-address",
            "latchkey.cluster.bind-port",
            "latchkey.cluster.initial-hosts",
            "latchkey.cluster.jgroups-stack",
            "latchkey.cluster.failure-detection-port-offset",
            "latchkey.cluster.jdbc-ping.url",
            "latchkey.cluster.jdbc-ping.user",
            "latchkey.cluster.jdbc-ping.password",
            "latchkey.cluster.jdbc-ping.driver");

    private boolean enabled;
    private Optional<String> infinispanConfiguration;
    private Map<String, String> transport;

    public static ClusterSettings from(SettingsSource source) {
        return load(new ClusterSettings(), source);
    }

    public static ClusterSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        enabled = source.flag(ENABLED, false);
        infinispanConfiguration = source.optional("latchkey.cluster.infinispan-config");
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : TRANSPORT_KEYS) {
            source.optional(key).ifPresent(value -> values.put(key, value));
        }
        // The file's own defaults apply to what is not set; the ports must at least be numbers.
        source.number("latchkey.cluster.bind-port", 7800, 1, 65_535);
        source.number("latchkey.cluster.failure-detection-port-offset", 50_000, 1, 65_534);
        transport = Map.copyOf(values);
    }

    public boolean enabled() {
        return enabled;
    }

    /** An operator's own Infinispan file, instead of the one in the WAR. */
    public Optional<String> infinispanConfiguration() {
        return infinispanConfiguration;
    }

    /** The configured placeholder values, by key; unset keys take the defaults written in the files. */
    public Map<String, String> transportPlaceholders() {
        return transport;
    }
}
