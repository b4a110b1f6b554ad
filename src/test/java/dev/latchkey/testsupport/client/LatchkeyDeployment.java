package dev.latchkey.testsupport.client;

import dev.latchkey.testsupport.server.MovableClockProducer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * The archive integration tests deploy: the real WAR the build just packaged, plus every class of
 * {@link #SERVER_SUPPORT} (clock control, an admin-only resource, signing with the server's key,
 * signing-key controls, a copy of the server's log, the SQL recorder). That package is added
 * whole, so a class put there is deployed without being listed here; and only that package, so
 * nothing of this client side (JUnit, the HTTP helpers) ever reaches the server. Served at the
 * context root, as in production.
 */
public final class LatchkeyDeployment {

    /** The package of the code that runs inside the server under test. */
    public static final Package SERVER_SUPPORT = MovableClockProducer.class.getPackage();

    private LatchkeyDeployment() {
    }

    public static WebArchive withTestSupport() {
        File war = new File(System.getProperty("latchkey.it.war", "target/latchkey.war"));
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class)
                .merge(serverSupport());
    }

    /** What the tests add to the real WAR: the {@link #SERVER_SUPPORT} package, whole and alone. */
    public static WebArchive serverSupport() {
        return ShrinkWrap.create(WebArchive.class, "server-support.war").addPackage(SERVER_SUPPORT);
    }
}
