package dev.latchkey.faults;

import dev.latchkey.testsupport.client.TcpProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The load balancer in front of the harness's nodes, as an operator would run HAProxy in TCP mode:
 * each new client connection goes to the next node in turn whose readiness answered {@code 200}
 * at the last check (every 500 ms, 1 s timeout). A node that is down, frozen or not ready gets no
 * new connections; connections already open to it stay with it, as they would behind a real
 * balancer, and their requests fail or time out.
 */
final class RoundRobinProxy implements AutoCloseable {

    private final List<URI> nodes;
    private final AtomicIntegerArray ready;
    private final AtomicInteger next = new AtomicInteger();
    private final ServerSocket listener;
    private final HttpClient checks = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private volatile boolean open = true;

    RoundRobinProxy(List<URI> nodes) {
        this.nodes = List.copyOf(nodes);
        this.ready = new AtomicIntegerArray(nodes.size());
        try {
            listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("proxy-accept", this::accept);
        daemon("proxy-health", this::checkReadiness);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The nodes whose readiness answered 200 at the last check. */
    boolean isReady(int node) {
        return ready.get(node) == 1;
    }

    private void checkReadiness() {
        while (open) {
            for (int node = 0; node < nodes.size(); node++) {
                int status;
                try {
                    status = checks.send(HttpRequest.newBuilder(nodes.get(node).resolve("/health/ready"))
                            .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException down) {
                    status = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                ready.set(node, status == 200 ? 1 : 0);
            }
            sleep(500);
        }
    }

    private void accept() {
        while (open) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Socket server = connectToNextReadyNode();
            if (server == null) {
                closeQuietly(client);
                continue;
            }
            TcpProxy.splice(client, server, closed -> { });
        }
    }

    /** The next ready node in turn; when none is ready, the next one that accepts a connection. */
    private Socket connectToNextReadyNode() {
        int size = nodes.size();
        for (boolean readyOnly : new boolean[] {true, false}) {
            for (int tried = 0; tried < size; tried++) {
                int node = Math.floorMod(next.getAndIncrement(), size);
                if (readyOnly && !isReady(node)) {
                    continue;
                }
                try {
                    Socket server = new Socket();
                    server.connect(new InetSocketAddress(nodes.get(node).getHost(), nodes.get(node).getPort()), 1000);
                    return server;
                } catch (IOException refused) {
                    // try the next node
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        open = false;
        closeQuietly(listener);
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is all that is wanted.
        }
    }
}
