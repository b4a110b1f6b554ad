package dev.latchkey.testsupport.client;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;

/**
 * Payara Micro's Arquillian container, with one server for a whole Failsafe execution instead of
 * one per test class. Payara's own adapter starts a Payara Micro process per deployment, and every
 * class deploys the same archive ({@link DeployedLatchkeyTest}): about half a minute each, over
 * twenty times a run. Here the first deployment starts the server, later ones of the same archive
 * get its address, and the server stops when the suite ends (or at JVM exit, by Payara's hook).
 *
 * <p>What the classes share is what the PostgreSQL run has always shared, the database, plus the
 * server's memory (caches, counters, the captured log, the outbox's pending mail); each test
 * already starts from the default signing keys and puts the clock back, and uses addresses of its
 * own. {@code -Dlatchkey.it.server-per-class=true} restores a server per class, to tell a test
 * that depends on another's leftovers from a real failure.
 */
public class SharedPayaraMicro extends PayaraMicroDeployableContainer {

    private static final Logger LOG = Logger.getLogger(SharedPayaraMicro.class.getName());

    private Archive<?> deployed;
    private ProtocolMetaData deployedAt;

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (deployed == null) {
            deployedAt = super.deploy(archive);
            deployed = archive;
            return deployedAt;
        }
        if (!deployed.getName().equals(archive.getName()) || !deployed.getContent().keySet().equals(archive.getContent().keySet())) {
            throw new DeploymentException("One Payara Micro serves the whole suite, and it runs " + deployed.getName()
                    + "; a class deploying a different archive needs a container of its own in arquillian.xml");
        }
        LOG.fine("Reusing the running Payara Micro for " + archive.getName());
        return deployedAt;
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // Kept running for the next class; stop() ends it.
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            if (deployed != null) {
                super.undeploy(deployed);
            }
        } catch (DeploymentException e) {
            throw new LifecycleException("Could not stop the shared Payara Micro", e);
        } finally {
            deployed = null;
            deployedAt = null;
            super.stop();
        }
    }
}
