package dev.latchkey.testsupport.client;

import dev.latchkey.testsupport.server.MovableClockProducer;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * The archive integration tests deploy: the real WAR the build just packaged, plus the whole
 * test-support package that runs inside the server (clock control, an admin-only resource, signing
 * with the server's key, signing-key controls, a copy of the server's log, the SQL recorder).
 * Served at the context root, as in production.
 */
public final class LatchkeyDeployment {

    private LatchkeyDeployment() {
    }

    public static WebArchive withTestSupport() {
        File war = new File(System.getProperty("latchkey.it.war", "target/latchkey.war"));
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class)
                .addPackage(MovableClockProducer.class.getPackage());
    }
}
