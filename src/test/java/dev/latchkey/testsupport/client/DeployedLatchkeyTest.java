package dev.latchkey.testsupport.client;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;

/**
 * Base of the integration tests: the real WAR deployed to a real server by Arquillian, driven as
 * a client over real HTTP. On Payara Micro every class of a Failsafe execution shares one server
 * ({@link SharedPayaraMicro}); on WildFly, one server and one deployment ({@link SharedWildFly}).
 *
 * <p>So every class shares the database and the server's memory with the classes before it. Every
 * test starts from the signing-key set a fresh database has (one RS256 key, active, and nothing
 * else trusted), since a key rotation in one class would otherwise be seen by the next; that costs
 * one request when nothing changed it. Every test starts with an empty outbox too, so that its mail
 * does not wait behind the earlier classes' (each retried while no SMTP server listens). The
 * server's clock is put back after every test, and tests register addresses of their own
 * ({@link Http#uniqueEmail()}).
 */
@ExtendWith(ArquillianExtension.class)
public abstract class DeployedLatchkeyTest {

    protected static final String PASSWORD = "correct horse battery staple";

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return LatchkeyDeployment.withTestSupport();
    }

    @ArquillianResource
    protected URL base;

    protected Http http;

    protected SigningKeyControl signingKeys;

    @BeforeEach
    void connectAndStartFromTheDefaultKeySetAndAnEmptyOutbox() {
        http = new Http(base);
        signingKeys = new SigningKeyControl(http);
        signingKeys.resetToDefault();
        int emptied = http.send(http.request("/test-support/database/outbox/empty").POST(HttpRequest.BodyPublishers.noBody())).statusCode();
        org.junit.jupiter.api.Assertions.assertEquals(204, emptied, "the outbox emptied");
    }

    @AfterEach
    void resetServerClock() {
        http.resetClock();
    }

    /** Registers a fresh address. */
    protected String registered() {
        String email = Http.uniqueEmail();
        org.junit.jupiter.api.Assertions.assertEquals(202, http.register(email, PASSWORD).statusCode());
        return email;
    }
}
