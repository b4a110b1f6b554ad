package dev.latchkey.interop;

import dev.latchkey.interop.consumer.ConsumerApplication;
import dev.latchkey.interop.consumer.ReportsResource;
import dev.latchkey.interop.consumer.WhoAmIResource;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.ResourceServerClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A second Payara Micro, started by the test, running the consumer app: an application that
 * knows nothing of Latchkey but the three standard MicroProfile JWT settings pointing at it.
 */
final class ConsumerServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final URI base;
    private final Path log;

    private ConsumerServer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /**
     * @param jwksUrl  Latchkey's JWKS, as a consumer reaches it
     * @param issuer   Latchkey's {@code latchkey.token.issuer}
     * @param audience Latchkey's {@code latchkey.token.audience}
     */
    static ConsumerServer start(String jwksUrl, String issuer, String audience, String introspectionUrl) throws Exception {
        Path directory = Path.of("target", "interop");
        Files.createDirectories(directory);
        // Exactly the configuration docs/protecting-your-application.md gives for Payara.
        String configuration = "mp.jwt.verify.publickey.location=" + jwksUrl + "\n"
                + "mp.jwt.verify.issuer=" + issuer + "\n"
                + "mp.jwt.verify.audiences=" + audience + "\n"
                // The application's own settings, for its fallback to introspection (docs/roles.md).
                + "consumer.introspection.url=" + introspectionUrl + "\n"
                + "consumer.introspection.client-id=" + ResourceServerClient.CLIENT_ID + "\n"
                + "consumer.introspection.client-secret=" + ResourceServerClient.SECRET + "\n";
        File war = directory.resolve("consumer.war").toFile();
        ShrinkWrap.create(WebArchive.class, "consumer.war")
                .addClasses(ConsumerApplication.class, WhoAmIResource.class, ReportsResource.class)
                .addAsResource(new StringAsset(configuration), "META-INF/microprofile-config.properties")
                // bean-discovery-mode="all" so that CDI sees the @LoginConfig on the Application class,
                // which carries no bean-defining annotation: that is how Payara turns MP-JWT on.
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\""
                        + " bean-discovery-mode=\"all\"/>"), "beans.xml")
                .as(ZipExporter.class).exportTo(war, true);

        int port = freePort();
        String microJar = System.getProperty("payara.micro.jar", "target/payara-micro/payara-micro.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-jar", microJar, "--nocluster", "--port", Integer.toString(port), "--contextroot", "/",
                "--rootdir", directory.resolve("payara-root-" + port).toString(),
                "--deploy", war.getAbsolutePath()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("consumer-server.log").toFile());
        ConsumerServer server = new ConsumerServer(builder.start(), URI.create("http://localhost:" + port + "/"),
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
                try {
                    return client.send(HttpRequest.newBuilder(base.resolve("whoami")).GET().timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
                } catch (IOException notListeningYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
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

    URI base() {
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
