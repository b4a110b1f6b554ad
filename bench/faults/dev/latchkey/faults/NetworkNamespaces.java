package dev.latchkey.faults;

import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.TcpProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network the {@code partition} phase needs: each node in a network namespace of its own
 * ({@code ip netns}), joined to this machine's namespace by a veth pair whose host end is a port of
 * one bridge. The harness stays in the machine's namespace, on the bridge's address, and reaches
 * every node directly; the nodes reach one another across the bridge.
 *
 * <p>A node's own loopback is its namespace's, so the services the nodes use on 127.0.0.1
 * (PostgreSQL and the SMTP server) are relayed: in each namespace a {@link LoopbackRelay} process
 * listens on the service's port of 127.0.0.1 and forwards to the bridge's address, where the
 * harness forwards to the service on the machine's 127.0.0.1. The nodes' configuration is then
 * the same as on loopback, and the mail rule that plain SMTP goes to a loopback host only
 * (MailSettings) holds as it does in production.
 *
 * <p>{@link #isolate} cuts one node off from the others, and only from them: a blackhole route for
 * each peer's address in its namespace and one for its address in each peer's. Packets on open
 * connections are dropped without a word, as a failed switch drops them, and TCP retransmits them
 * after {@link #heal}; a new connection to a cut-off peer fails at once ({@code EINVAL}). The
 * balancer, the database and the SMTP server still reach every node: the cut-off node goes on
 * serving its clients with a view of itself alone, which is the case a partition adds to a pause.
 * This kernel has no {@code tc} drop action and the machine no nftables tool, so routes are the
 * means that needs nothing but {@code ip}.
 *
 * <p>It needs root (or CAP_NET_ADMIN) and iproute2. Its names start with {@code lkfaults}; what
 * a run killed half-way left behind is removed first.
 */
final class NetworkNamespaces implements LatchkeyCluster.NodeHosts, AutoCloseable {

    private static final String PREFIX = "lkfaults";
    private static final String BRIDGE = PREFIX + "br";
    /** A /24 from the private ranges, unlikely to be a route of the machine itself (checked). */
    private static final String SUBNET = System.getProperty("faults.partition.subnet", "10.213.77");

    private final int nodes;
    private final List<Process> relays = new ArrayList<>();
    private final List<TcpProxy> hostRelays = new ArrayList<>();

    NetworkNamespaces(int nodes) {
        this.nodes = nodes;
        removeLeftovers();
        String routes = ip("-4", "route", "show");
        if (routes.contains(SUBNET + ".")) {
            throw new IllegalStateException("This machine already routes " + SUBNET + ".0/24; choose another with -Dfaults.partition.subnet");
        }
        ip("link", "add", BRIDGE, "type", "bridge");
        ip("addr", "add", hostAddress() + "/24", "dev", BRIDGE);
        ip("link", "set", BRIDGE, "up");
        for (int node = 0; node < nodes; node++) {
            String namespace = namespace(node);
            ip("netns", "add", namespace);
            ip("link", "add", hostEnd(node), "type", "veth", "peer", "name", "eth0", "netns", namespace);
            ip("link", "set", hostEnd(node), "master", BRIDGE, "up");
            ip("-n", namespace, "addr", "add", address(node) + "/24", "dev", "eth0");
            ip("-n", namespace, "link", "set", "eth0", "up");
            ip("-n", namespace, "link", "set", "lo", "up");
        }
    }

    /** The harness's own address on the bridge: what the nodes' relays forward to. */
    String hostAddress() {
        return SUBNET + ".1";
    }

    @Override
    public String address(int node) {
        return SUBNET + "." + (node + 2);
    }

    @Override
    public List<String> launchPrefix(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /**
     * Makes each port of the machine's 127.0.0.1 reachable on the same port of 127.0.0.1 in every
     * node's namespace, through the bridge.
     */
    void relayLoopback(int... ports) {
        InetAddress bridge;
        try {
            bridge = InetAddress.getByName(hostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        List<String> portArguments = new ArrayList<>();
        for (int port : ports) {
            hostRelays.add(new TcpProxy(bridge, port, "127.0.0.1", port));
            portArguments.add(String.valueOf(port));
        }
        String classes = classesOf(LoopbackRelay.class) + java.io.File.pathSeparator + classesOf(TcpProxy.class);
        for (int node = 0; node < nodes; node++) {
            List<String> command = new ArrayList<>(launchPrefix(node));
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                    "-cp", classes, LoopbackRelay.class.getName(), hostAddress()));
            command.addAll(portArguments);
            try {
                relays.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Cuts the node off from every other node (both ways), leaving its other paths as they are. */
    void isolate(int node) {
        for (int peer = 0; peer < nodes; peer++) {
            if (peer != node) {
                ip("-n", namespace(node), "route", "add", "blackhole", address(peer) + "/32");
                ip("-n", namespace(peer), "route", "add", "blackhole", address(node) + "/32");
            }
        }
    }

    void heal(int node) {
        for (int peer = 0; peer < nodes; peer++) {
            if (peer != node) {
                ip("-n", namespace(node), "route", "del", "blackhole", address(peer) + "/32");
                ip("-n", namespace(peer), "route", "del", "blackhole", address(node) + "/32");
            }
        }
    }

    /** Call after the nodes have stopped: deleting a namespace ends the veth pair in it. */
    @Override
    public void close() {
        relays.forEach(Process::destroy);
        for (Process relay : relays) {
            try {
                relay.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        hostRelays.forEach(TcpProxy::close);
        removeLeftovers();
    }

    private static void removeLeftovers() {
        for (String line : ip("netns", "list").split("\n")) {
            String namespace = line.split(" ")[0];
            if (namespace.startsWith(PREFIX)) {
                ip("netns", "delete", namespace);
            }
        }
        if (!ip("link", "show").contains(BRIDGE + ":")) {
            return;
        }
        ip("link", "delete", BRIDGE);
    }

    private static String namespace(int node) {
        return PREFIX + "-node" + node;
    }

    /** The veth end in the machine's namespace (an interface name has 15 characters at most). */
    private static String hostEnd(int node) {
        return PREFIX + node;
    }

    private static String classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code ip} with the arguments and returns its output; a failure stops the harness with ip's own words. */
    private static String ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (the partition phase needs root and iproute2): "
                        + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
