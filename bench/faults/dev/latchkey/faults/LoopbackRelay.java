package dev.latchkey.faults;

import dev.latchkey.testsupport.client.TcpProxy;

import java.net.InetAddress;

/**
 * Runs inside a node's network namespace ({@link NetworkNamespaces}): listens on each given port
 * of the namespace's 127.0.0.1 and forwards every connection to the same port of the harness's
 * bridge address, until the process is stopped.
 *
 * <pre>java -cp … dev.latchkey.faults.LoopbackRelay &lt;bridge address&gt; &lt;port&gt;…</pre>
 */
public final class LoopbackRelay {

    private LoopbackRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        for (int index = 1; index < args.length; index++) {
            int port = Integer.parseInt(args[index]);
            new TcpProxy(InetAddress.getLoopbackAddress(), port, args[0], port);
        }
        Thread.currentThread().join();
    }
}
