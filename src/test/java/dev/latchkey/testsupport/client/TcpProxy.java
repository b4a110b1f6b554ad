package dev.latchkey.testsupport.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A TCP proxy on 127.0.0.1 in front of one server (the database), so that a test can make that
 * server unreachable for the nodes and bring it back, as an outage or a failover would, without
 * stopping a database that other tests share. {@link #cut} closes every open connection and stops
 * listening (new connections are refused); {@link #restore} listens on the same port again.
 * {@link #stall} is the other way a database goes away, a frozen host or a firewall that drops its
 * packets: every connection stays open, new ones are still accepted, and no byte goes through in
 * either direction until {@link #resume}.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final InetAddress address;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private final Object flow = new Object();
    private boolean stalled;

    /** On a free port of 127.0.0.1. */
    public TcpProxy(String targetHost, int targetPort) {
        this(InetAddress.getLoopbackAddress(), freePort(), targetHost, targetPort);
    }

    /** On the given address and port (the fault harness's relays into and out of its network namespaces). */
    public TcpProxy(InetAddress address, int port, String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.address = address;
        this.port = port;
        restore();
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            listener = socket;
            Thread accepting = new Thread(() -> accept(socket), "tcp-proxy-" + port);
            accepting.setDaemon(true);
            accepting.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void cut() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Holds every byte in both directions, on open connections and new ones, until {@link #resume}. */
    public void stall() {
        synchronized (flow) {
            stalled = true;
        }
    }

    /** Lets the held bytes through, as TCP delivers what it retransmitted once the path is back. */
    public void resume() {
        synchronized (flow) {
            stalled = false;
            flow.notifyAll();
        }
    }

    private void awaitFlowing() throws InterruptedIOException {
        synchronized (flow) {
            while (stalled) {
                try {
                    flow.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while stalled");
                }
            }
        }
    }

    @Override
    public void close() {
        resume();
        cut();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                continue; // cut() closed the listener: the loop ends
            }
            try {
                Socket server = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(server);
                splice(client, server, open::remove, this::awaitFlowing);
            } catch (IOException refused) {
                // The target is down (the database stopped): the client sees its socket close.
                closeQuietly(client);
            }
        }
    }

    /**
     * Copies bytes both ways between two connected sockets, each direction on a daemon thread of
     * its own, until either side closes; then closes both and hands each to {@code closed}.
     */
    public static void splice(Socket client, Socket server, Consumer<Socket> closed) {
        splice(client, server, closed, () -> { });
    }

    private static void splice(Socket client, Socket server, Consumer<Socket> closed, Gate gate) {
        pump(client, server, closed, gate);
        pump(server, client, closed, gate);
    }

    /** Passed before each write: blocks while the proxy is stalled. */
    @FunctionalInterface
    private interface Gate {
        void pass() throws InterruptedIOException;
    }

    private static void pump(Socket from, Socket to, Consumer<Socket> closed, Gate gate) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    gate.pass();
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException gone) {
                // Either side went away.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                closed.accept(from);
                closed.accept(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is all that is wanted.
        }
    }
}
