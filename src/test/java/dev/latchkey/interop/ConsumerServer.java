package dev.latchkey.interop;

import dev.latchkey.interop.consumer.ConsumerApplication;
import dev.latchkey.interop.consumer.ReportsResource;
import dev.latchkey.interop.consumer.WhoAmIResource;
import dev.latchkey.testsupport.client.ResourceServerClient;
import dev.latchkey.testsupport.client.ServerUnderTest;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The consumer app running on a server of the kind under test: an application that knows nothing
 * of Latchkey but the three standard MicroProfile JWT settings pointing at it. On Payara Micro a
 * second Payara Micro runs it; on WildFly it is deployed beside Latchkey, on the same server, and
 * its tokens are checked by WildFly's own microprofile-jwt-smallrye subsystem.
 */
interface ConsumerServer extends AutoCloseable {

    /** Where the consumer's routes are: {@code whoami}, {@code admin-only}, {@code reports}, ... */
    URI base();

    @Override
    void close();

    /** Whether the consumer is up: its {@code whoami} route answers a caller without a token {@code 401}. */
    static boolean refusesACallerWithoutAToken(HttpClient client, URI base) {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("whoami")).GET().timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param latchkey the Latchkey under test, as a consumer reaches it
     * @param issuer   Latchkey's {@code latchkey.token.issuer}
     * @param audience Latchkey's {@code latchkey.token.audience}
     */
    static ConsumerServer start(URI latchkey, String issuer, String audience) throws Exception {
        Path directory = Path.of("target", "interop");
        Files.createDirectories(directory);
        // Exactly the configuration docs/protecting-your-application.md gives.
        String configuration = "mp.jwt.verify.publickey.location=" + latchkey.resolve("/.well-known/jwks.json") + "\n"
                + "mp.jwt.verify.issuer=" + issuer + "\n"
                + "mp.jwt.verify.audiences=" + audience + "\n"
                // The application's own settings, for its fallback to introspection (docs/roles.md).
                + "consumer.introspection.url=" + latchkey.resolve("/auth/introspect") + "\n"
                + "consumer.introspection.client-id=" + ResourceServerClient.CLIENT_ID + "\n"
                + "consumer.introspection.client-secret=" + ResourceServerClient.SECRET + "\n";
        File war = directory.resolve("consumer.war").toFile();
        WebArchive archive = ShrinkWrap.create(WebArchive.class, "consumer.war")
                .addClasses(ConsumerApplication.class, WhoAmIResource.class, ReportsResource.class)
                .addAsResource(new StringAsset(configuration), "META-INF/microprofile-config.properties")
                // bean-discovery-mode="all" so that CDI sees the @LoginConfig on the Application class,
                // which carries no bean-defining annotation: that is how Payara turns MP-JWT on.
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\""
                        + " bean-discovery-mode=\"all\"/>"), "beans.xml");
        if (ServerUnderTest.current() == ServerUnderTest.WILDFLY) {
            archive.setWebXML(new StringAsset(WildFlyConsumer.WEB_XML));
            archive.as(ZipExporter.class).exportTo(war, true);
            return WildFlyConsumer.deploy(war, latchkey);
        }
        archive.as(ZipExporter.class).exportTo(war, true);
        return PayaraMicroConsumer.start(war);
    }
}
