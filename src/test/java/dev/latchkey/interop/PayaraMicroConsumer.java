package dev.latchkey.interop;

import dev.latchkey.testsupport.client.Eventually;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A second Payara Micro, started by the test, running the consumer app. */
final class PayaraMicroConsumer implements ConsumerServer {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final URI base;
    private final Path log;

    private PayaraMicroConsumer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    static PayaraMicroConsumer start(File war) throws IOException {
        Path directory = war.toPath().getParent();
        int port = freePort();
        String microJar = System.getProperty("payara.micro.jar", "target/payara-micro/payara-micro.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-jar", microJar, "--nocluster", "--port", Integer.toString(port), "--contextroot", "/",
                "--rootdir", directory.resolve("payara-root-" + port).toString(),
                "--deploy", war.getAbsolutePath()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("consumer-server.log").toFile());
        PayaraMicroConsumer server = new PayaraMicroConsumer(builder.start(), URI.create("http://localhost:" + port + "/"),
                directory.resolve("consumer-server.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitReady();
        return server;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newHttpClient();
        try {
            Eventually.await("the consumer Payara Micro answers; see target/interop/consumer-server.log", STARTUP_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The consumer Payara Micro exited; see target/interop/consumer-server.log");
                }
                if (readLog().contains("Exception while loading the app")) {
                    throw new IllegalStateException("The consumer app failed to deploy; see target/interop/consumer-server.log");
                }
                return ConsumerServer.refusesACallerWithoutAToken(client, base);
            });
        } catch (RuntimeException | AssertionError notStarted) {
            close();
            throw notStarted;
        }
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
