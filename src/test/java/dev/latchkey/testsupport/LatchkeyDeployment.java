package dev.latchkey.testsupport;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * The archive integration tests deploy: the real WAR the build just packaged, plus the test-only
 * support (clock control, an admin-only resource, signing with the server's key, signing-key
 * controls, a copy of the server's log). Served at the context root, as in production.
 */
public final class LatchkeyDeployment {

    private LatchkeyDeployment() {
    }

    public static WebArchive withTestSupport() {
        File war = new File(System.getProperty("latchkey.it.war", "target/latchkey.war"));
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class)
                .addClasses(MovableClockProducer.class, MovableClockProducer.OffsetClock.class, ClockControlResource.class,
                        AdminOnlyResource.class, MemoryResource.class, InsiderSigningResource.class,
                        CapturedLog.class, CapturedLog.CopyingHandler.class, CapturedLogResource.class,
                        SigningKeyControlResource.class, SqlStatementLogResource.class, SqlStatementLogResource.Recorder.class);
    }
}
