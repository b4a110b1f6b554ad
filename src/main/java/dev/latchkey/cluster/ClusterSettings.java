package dev.latchkey.cluster;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded cache cluster ({@code latchkey.cluster.*}): whether this node joins one, the shared
 * cluster secret that authenticates and encrypts the channel, the clock agreement members must
 * keep, and the values the bundled Infinispan and JGroups files refer to as {@code ${...}}.
 *
 * <p>A clustered node without a secret of at least 256 bits does not start: an open channel lets
 * any host on the cluster network join and delete revocations (fail closed, no insecure default).
 */
@ApplicationScoped
public class ClusterSettings extends Settings {

    public static final String ENABLED = "latchkey.cluster.enabled";
    public static final String SECRET = "latchkey.cluster.secret";
    public static final String SECRET_FILE = "latchkey.cluster.secret-file";
    public static final String MAX_CLOCK_OFFSET = "latchkey.cluster.max-clock-offset-seconds";
    static final String OPERATION_TIMEOUT = "latchkey.cluster.operation-timeout-seconds";
    static final int MIN_SECRET_BYTES = 32;
    static final String HOW_TO_MAKE_ONE = "generate one with `openssl rand -base64 32` and give every node the same"
            + " value, through the environment (LATCHKEY_CLUSTER_SECRET) or a file named by " + SECRET_FILE;

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

    static final String STACK = "latchkey.cluster.jgroups-stack";
    static final String DEFAULT_STACK = "infinispan/jgroups-tcp.xml";
    static final String NAME = "latchkey.cluster.name";

    private boolean enabled;
    private Optional<String> infinispanConfiguration;
    private Map<String, String> transport;
    private byte[] secret;
    private Duration maxClockOffset;
    private Duration operationTimeout;

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
        maxClockOffset = source.seconds(MAX_CLOCK_OFFSET, 5, 1, 3600);
        operationTimeout = source.seconds(OPERATION_TIMEOUT, 5, 1, 25);
        Optional<byte[]> configured = secret(source.optional(SECRET), source.optional(SECRET_FILE));
        if (enabled && configured.isEmpty()) {
            throw new InvalidSettingException(SECRET, "must be set when " + ENABLED + "=true: " + HOW_TO_MAKE_ONE);
        }
        secret = configured.orElse(null);
    }

    private static Optional<byte[]> secret(Optional<String> value, Optional<String> file) {
        if (value.isPresent() && file.isPresent()) {
            throw new InvalidSettingException(SECRET, "and " + SECRET_FILE + " are both set: set one of them");
        }
        return value.or(() -> file.map(ClusterSettings::read))
                .map(text -> SettingsSource.decodeSecret(SECRET, text, MIN_SECRET_BYTES, HOW_TO_MAKE_ONE));
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InvalidSettingException(SECRET_FILE, "names a file that cannot be read (" + e.getClass().getSimpleName() + ")");
        }
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

    /** The JGroups stack file: a resource in the WAR or a path. */
    String jgroupsStack() {
        return transport.getOrDefault(STACK, DEFAULT_STACK);
    }

    String clusterName() {
        return transport.getOrDefault(NAME, "latchkey");
    }

    /** The shared cluster secret; present whenever the cluster is enabled. */
    Optional<byte[]> secret() {
        return Optional.ofNullable(secret).map(byte[]::clone);
    }

    public Duration maxClockOffset() {
        return maxClockOffset;
    }

    /** How long a request waits for a cache operation ({@link ClusterCalls}). */
    Duration operationTimeout() {
        return operationTimeout;
    }
}
