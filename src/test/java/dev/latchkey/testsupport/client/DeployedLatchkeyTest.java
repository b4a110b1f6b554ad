package dev.latchkey.testsupport.client;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * Base of the integration tests: the real WAR deployed to a real Payara Micro by Arquillian
 * (one server start per test class), driven as a client over real HTTP. The server's clock is
 * put back after every test.
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

    @BeforeEach
    void connect() {
        http = new Http(base);
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
