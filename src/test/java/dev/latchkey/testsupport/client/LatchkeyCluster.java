package dev.latchkey.testsupport.client;

import dev.latchkey.crypto.ClientCredentials;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A real Latchkey cluster on this machine: N server processes, each deploying the same WAR (the
 * built one plus the test clock control), with its own HTTP and JGroups ports on loopback, one
 * shared database, one shared signing key directory and CSRF secret, and one cluster secret.
 * Nodes can be stopped and started again by index.
 *
 * <p>The server is the one under test ({@link ServerUnderTest#current()}): Payara Micro, or under
 * -Pwildfly WildFly 39, each node a server base directory of its own with the configuration
 * server-config/wildfly/latchkey.cli made (copied from the build's WildFly), launched as WildFly's
 * own tooling launches it (wildfly-launcher), so that the process is the server's JVM itself and
 * {@link #kill} and {@link #pause} reach it.
 *
 * <p>Each node runs where {@link NodeHosts} puts it: on loopback, or (the fault harness's network
 * partition) in a network namespace of its own, at an address of its own.
 *
 * <p>Secrets reach the nodes through the environment, as in production ({@code LATCHKEY_CLUSTER_SECRET}),
 * never as {@code -D} options: a test can then check that the node itself copies none of them into
 * its system properties. {@link #environment} gives one node a different value (a wrong secret).
 */
public final class LatchkeyCluster implements AutoCloseable {

    /** Where each node runs: the address it binds and is reached at, and what its command runs under. */
    public interface NodeHosts {
        /** Every node on 127.0.0.1, in this machine's own network namespace. */
        NodeHosts LOOPBACK = new NodeHosts() {
            @Override
            public String address(int node) {
                return "127.0.0.1";
            }

            @Override
            public List<String> launchPrefix(int node) {
                return List.of();
            }
        };

        String address(int node);

        /** The words before the node's own command (for instance {@code ip netns exec <name>}). */
        List<String> launchPrefix(int node);
    }

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private static final int WILDFLY_HTTP_PORT = 8080;
    private static final int WILDFLY_MANAGEMENT_PORT = 9990;
    /** Every port a stock standalone.xml listens on: HTTP, HTTPS, AJP, management HTTP and HTTPS, transactions. */
    private static final List<Integer> WILDFLY_PORTS = List.of(WILDFLY_HTTP_PORT, 8443, 8009, WILDFLY_MANAGEMENT_PORT, 9993, 4712, 4713);
    private static final java.util.regex.Pattern RECORDED_DEPLOYMENTS =
            java.util.regex.Pattern.compile("<deployments>.*?</deployments>", java.util.regex.Pattern.DOTALL);

    private final int size;
    private final NodeHosts hosts;
    private final Path work;
    private final Path war;
    private final Map<String, String> sharedProperties;
    private final Map<String, String> sharedEnvironment = new java.util.LinkedHashMap<>();
    private final Map<Integer, Map<String, String>> nodeEnvironment = new java.util.HashMap<>();
    private final ServerUnderTest server = ServerUnderTest.current();
    private final int[] httpPorts;
    /** WildFly's: its MicroProfile Health is on the management interface. */
    private final int[] managementPorts;
    private final int[] portOffsets;
    private final int[] jgroupsPorts;
    private final Process[] processes;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param database the JDBC settings every node shares: class-name, url, user, password
     */
    public LatchkeyCluster(int size, Map<String, String> database) {
        this(size, database, NodeHosts.LOOPBACK);
    }

    /**
     * @param database the JDBC settings every node shares: class-name, url, user, password
     * @param hosts where each node runs; on WildFly only {@link NodeHosts#LOOPBACK}
     */
    public LatchkeyCluster(int size, Map<String, String> database, NodeHosts hosts) {
        this.size = size;
        this.hosts = hosts;
        if (hosts != NodeHosts.LOOPBACK && server == ServerUnderTest.WILDFLY) {
            throw new IllegalArgumentException("WildFly nodes run on loopback only (their stock interfaces bind 127.0.0.1)");
        }
        try {
            this.work = Files.createTempDirectory(Path.of("target"), "cluster-");
            this.war = work.resolve("latchkey.war");
            LatchkeyDeployment.withTestSupport().as(ZipExporter.class).exportTo(war.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.httpPorts = new int[size];
        this.managementPorts = new int[size];
        this.portOffsets = new int[size];
        this.jgroupsPorts = new int[size];
        this.processes = new Process[size];
        // Every port a node will listen on is distinct from every other node's: a JGroups bind
        // port equal to another node's failure-detection port (bind port + 100) let that node
        // take it first, and the restarted node could not join again.
        Set<Integer> claimed = new HashSet<>();
        for (int i = 0; i < size; i++) {
            if (server == ServerUnderTest.WILDFLY) {
                portOffsets[i] = freeWildFlyPortOffset(claimed);
                httpPorts[i] = WILDFLY_HTTP_PORT + portOffsets[i];
                managementPorts[i] = WILDFLY_MANAGEMENT_PORT + portOffsets[i];
            } else {
                httpPorts[i] = freePort(claimed);
                claimed.add(httpPorts[i]);
            }
            jgroupsPorts[i] = freePortWithFreeNeighbour(100, claimed);
            claimed.add(jgroupsPorts[i]);
            claimed.add(jgroupsPorts[i] + 100);
        }
        String initialHosts = java.util.stream.IntStream.range(0, size).mapToObj(node -> hosts.address(node) + "[" + jgroupsPorts[node] + "]")
                .collect(Collectors.joining(","));
        byte[] csrfSecret = new byte[32];
        new SecureRandom().nextBytes(csrfSecret);
        this.sharedProperties = new java.util.LinkedHashMap<>(Map.of(
                "latchkey.cluster.enabled", "true",
                "latchkey.cluster.name", "latchkey-it-" + jgroupsPorts[0],
                "latchkey.cluster.initial-hosts", initialHosts,
                "latchkey.cluster.failure-detection-port-offset", "100",
                // The development key directory holds the key-encryption key that seals the signing
                // keys in the database: nodes sharing a database with earlier tests must share it too.
                "latchkey.keys.directory", Path.of(System.getProperty("latchkey.it.keys-directory",
                        work.resolve("keys").toString())).toAbsolutePath().toString(),
                "latchkey.csrf.secret", Base64.getEncoder().encodeToString(csrfSecret),
                "latchkey.password.bcrypt.cost", "10"));
        sharedProperties.put("latchkey.admin.bootstrap-email", "first-admin@example.test");
        // Nodes re-read the shared key set every second, so key rotations land quickly in tests.
        sharedProperties.put("latchkey.keys.refresh-seconds", "1");
        // Every test client calls from 127.0.0.1: lift the per-client budgets (unit-tested in
        // RateLimiterTest); the per-account limits stay as configured.
        for (String endpoint : List.of("login", "register", "refresh", "password", "account-mail")) {
            sharedProperties.put("latchkey.ratelimit." + endpoint + ".per-ip-per-minute", "1000000");
        }
        // The cluster tests need accounts at once; verification has its own tests.
        sharedProperties.put("latchkey.account.require-verified-email", "false");
        // Administration needs an authenticator code by default; the cluster tests' administrator
        // has none (MfaIT and AdministratorSecondFactorIT test the rule).
        sharedProperties.put("latchkey.admin.require-mfa", "false");
        // The test configuration's Prometheus scraper (MetricsScrape), as on the main test server.
        sharedProperties.put("latchkey.metrics.scrape-clients",
                MetricsScrape.CLIENT_ID + ":" + ClientCredentials.hash(MetricsScrape.SECRET));
        database.forEach((key, value) -> sharedProperties.put("latchkey.datasource." + key, value));
        sharedEnvironment.put("LATCHKEY_CLUSTER_SECRET", randomSecret());
        // As in production: every node signs and checks refresh tokens with the same secret.
        sharedEnvironment.put("LATCHKEY_SESSION_REFRESH_TOKEN_SECRET", randomSecret());
    }

    /** A fresh cluster secret: base64 of 32 random bytes, as {@code openssl rand -base64 32} makes. */
    public static String randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /** Sets a configuration key on every node started after this call ({@code -D}; never a secret). */
    public LatchkeyCluster property(String key, String value) {
        sharedProperties.put(key, value);
        return this;
    }

    /** Sets an environment variable on every node started after this call (where secrets go). */
    public LatchkeyCluster environment(String name, String value) {
        sharedEnvironment.put(name, value);
        return this;
    }

    /** Sets an environment variable on one node only, over the shared value (a wrong secret). */
    public LatchkeyCluster environment(int node, String name, String value) {
        nodeEnvironment.computeIfAbsent(node, n -> new java.util.LinkedHashMap<>()).put(name, value);
        return this;
    }

    /** The node's log file (Payara's output and the application's). */
    public Path log(int node) {
        return work.resolve("node-" + node + ".log");
    }

    /**
     * The records at the level of an error the node's server logged: on WildFly from its
     * server.log (which has no console colours), on Payara Micro from its output.
     */
    public List<String> errorLines(int node) {
        Path log = server == ServerUnderTest.WILDFLY ? work.resolve("wildfly-node-" + node).resolve("log").resolve("server.log") : log(node);
        try (var lines = Files.lines(log)) {
            return lines.filter(ServerUnderTest::isErrorLine).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return size;
    }

    public URL url(int node) {
        try {
            return URI.create("http://" + hosts.address(node) + ":" + httpPorts[node] + "/").toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Http http(int node) {
        return new Http(url(node));
    }

    /**
     * Starts the nodes (in parallel) and returns when every one of them reports ready. When one
     * does not, all of them are stopped again before the failure is thrown: a node left starting
     * would count as running ({@link #isRunning}) while it cannot serve yet.
     */
    public void start(int... nodes) {
        for (int node : nodes) {
            launch(node);
        }
        try {
            for (int node : nodes) {
                awaitReady(node);
            }
        } catch (RuntimeException | AssertionError notReady) {
            stop(nodes);
            throw notReady;
        }
    }

    public void stop(int... nodes) {
        for (int node : nodes) {
            Process process = processes[node];
            if (process != null) {
                process.destroy();
            }
        }
        for (int node : nodes) {
            Process process = processes[node];
            if (process != null) {
                try {
                    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                processes[node] = null;
            }
        }
    }

    /** Kills the node's process with {@code SIGKILL}, as a crash would: nothing of it shuts down cleanly. */
    public void kill(int node) {
        Process process = processes[node];
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            processes[node] = null;
        }
    }

    /**
     * Freezes the node's process ({@code SIGSTOP}), as a long GC pause or a partition would look
     * to its peers: it answers nothing and sends no heartbeat until {@link #resume}.
     */
    public void pause(int node) {
        signal(node, "-STOP");
    }

    public void resume(int node) {
        signal(node, "-CONT");
    }

    private void signal(int node, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(processes[node].pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed for node " + node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the node's process was started and has not been stopped (or died). */
    public boolean isRunning(int node) {
        return processes[node] != null && processes[node].isAlive();
    }

    public String readiness(int node) {
        return send(node, "/health/ready").body();
    }

    /** The HTTP status of {@code /health/ready}: 200 when ready, 503 when not. */
    public int readinessStatus(int node) {
        return send(node, "/health/ready").statusCode();
    }

    private void launch(int node) {
        List<String> command = new ArrayList<>(hosts.launchPrefix(node));
        command.addAll(server == ServerUnderTest.WILDFLY ? wildflyCommand(node) : payaraMicroCommand(node));
        try {
            File log = log(node).toFile();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            builder.environment().putAll(sharedEnvironment);
            if (server == ServerUnderTest.WILDFLY) {
                builder.environment().putAll(wildflyDataSourceEnvironment());
            }
            builder.environment().putAll(nodeEnvironment.getOrDefault(node, Map.of()));
            processes[node] = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> payaraMicroCommand(int node) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        sharedProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dlatchkey.cluster.bind-address=" + hosts.address(node));
        command.add("-Dlatchkey.cluster.bind-port=" + jgroupsPorts[node]);
        command.addAll(List.of("-jar", payaraMicroJar(), "--nocluster",
                "--port", String.valueOf(httpPorts[node]), "--contextroot", "/",
                "--prebootcommandfile", Path.of("server-config/payara/pre-boot-commands.asadmin").toAbsolutePath().toString(),
                "--addlibs", postgresqlDriver(),
                "--deploy", war.toAbsolutePath().toString()));
        return command;
    }

    /**
     * The node's own server base directory (made on its first start: the configuration the
     * shipped CLI script wrote, and the WAR in the deployment scanner's directory), and the
     * command WildFly's launcher builds for it, with every port moved by the node's offset.
     */
    private List<String> wildflyCommand(int node) {
        Path base = work.resolve("wildfly-node-" + node);
        try {
            if (!Files.isDirectory(base)) {
                copyWildFlyConfiguration(wildflyHome().resolve("standalone").resolve("configuration"), base.resolve("configuration"));
                Files.createDirectories(base.resolve("deployments"));
                Files.copy(war, base.resolve("deployments").resolve("latchkey.war"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StandaloneCommandBuilder builder = StandaloneCommandBuilder.of(wildflyHome())
                .setJavaHome(System.getProperty("java.home"))
                .setBaseDirectory(base)
                .setServerConfiguration("standalone.xml")
                .addJavaOption("-Xmx512m")
                .addJavaOption("-Djboss.socket.binding.port-offset=" + portOffsets[node])
                // Each server's transaction manager needs a name of its own (docs/deploy-wildfly.md).
                .addJavaOption("-Djboss.tx.node.id=latchkey-" + node)
                .addJavaOption("-Dlatchkey.cluster.bind-address=" + hosts.address(node))
                .addJavaOption("-Dlatchkey.cluster.bind-port=" + jgroupsPorts[node]);
        // The data source's password is the server's, from the environment only (wildflyDataSourceEnvironment).
        sharedProperties.forEach((key, value) -> {
            if (!key.equals("latchkey.datasource.password")) {
                builder.addJavaOption("-D" + key + "=" + value);
            }
        });
        return builder.build();
    }

    /**
     * What latchkey.cli's data source reads from the environment: the driver ("h2", WildFly's own,
     * or "postgresql", the script's module) and the password, which it has no default for. An
     * in-memory H2 database takes the password it is first opened with, so one is made up when the
     * test's database has none (WildFly refuses an empty one).
     */
    private Map<String, String> wildflyDataSourceEnvironment() {
        String url = sharedProperties.getOrDefault("latchkey.datasource.url", "");
        String password = sharedProperties.getOrDefault("latchkey.datasource.password", "");
        return Map.of("LATCHKEY_WILDFLY_JDBC_DRIVER", url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2",
                "LATCHKEY_DATASOURCE_PASSWORD", password.isEmpty() ? "it-only" : password);
    }

    /**
     * The configuration directory without its history and without any deployment another test
     * left recorded in standalone.xml (its content is in that server's data directory, not here).
     */
    private static void copyWildFlyConfiguration(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
        Path configuration = to.resolve("standalone.xml");
        Files.writeString(configuration, RECORDED_DEPLOYMENTS.matcher(Files.readString(configuration)).replaceAll(""));
    }

    private void awaitReady(int node) {
        Path log = work.resolve("node-" + node + ".log");
        Eventually.await("node " + node + " is ready; see " + log, READY_TIMEOUT, () -> {
            if (processes[node] == null || !processes[node].isAlive()) {
                throw new IllegalStateException("Node " + node + " exited; see " + log);
            }
            try {
                return send(node, "/health/ready").statusCode() == 200;
            } catch (UncheckedIOException notYetListening) {
                return false;
            }
        });
    }

    private HttpResponse<String> send(int node, String path) {
        // MicroProfile Health is beside Latchkey on Payara, on the management interface on WildFly.
        int port = path.startsWith("/health/") && server == ServerUnderTest.WILDFLY ? managementPorts[node] : httpPorts[node];
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://" + hosts.address(node) + ":" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    /**
     * Stops the nodes one after the other, the last started first, as an operator's rolling
     * shutdown would: each leaves a running cluster. Stopped all at once, a node still receiving
     * its peer's leave while its own JGroups stack shut down logged an ERROR (VERIFY_SUSPECT2's
     * pool already terminated; CI, 2026-12-04, on WildFly), which the classes that check the
     * nodes' logs rightly count.
     */
    public void close() {
        for (int node = size - 1; node >= 0; node--) {
            stop(node);
        }
    }

    private static Path wildflyHome() {
        String home = System.getProperty("latchkey.it.wildfly-home");
        if (home == null) {
            throw new IllegalStateException("latchkey.it.wildfly-home is not set: run WildFly's clusters under -Pwildfly");
        }
        return Path.of(home).toAbsolutePath();
    }

    private static String payaraMicroJar() {
        return Path.of(System.getProperty("latchkey.it.payara-micro", "target/payara-micro/payara-micro.jar"))
                .toAbsolutePath().toString();
    }

    /** The PostgreSQL driver the build puts beside Payara Micro: the server's data source needs it. */
    private static String postgresqlDriver() {
        return Path.of(payaraMicroJar()).resolveSibling("postgresql.jar").toString();
    }

    private static int freePort(Set<Integer> claimed) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (!claimed.contains(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No free port found");
    }

    /**
     * An offset that moves every port of a stock standalone.xml (HTTP, HTTPS, AJP, management and
     * the transaction manager's two) onto ports that are free and claimed by no other node.
     */
    private static int freeWildFlyPortOffset(Set<Integer> claimed) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = 21000 + random.nextInt(200) * 100;
            List<Integer> ports = WILDFLY_PORTS.stream().map(port -> port + offset).toList();
            if (ports.stream().noneMatch(claimed::contains) && ports.stream().allMatch(LatchkeyCluster::isFree)) {
                claimed.addAll(ports);
                return offset;
            }
        }
        throw new IllegalStateException("No free WildFly port offset found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int freePortWithFreeNeighbour(int offset, Set<Integer> claimed) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort(claimed);
            if (port + offset < 65536 && !claimed.contains(port + offset)) {
                try (ServerSocket neighbour = new ServerSocket(port + offset)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("No free port pair found");
    }
}
