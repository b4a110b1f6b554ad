package dev.latchkey.testsupport.client;

import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.core.api.Injector;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * A server's own Arquillian container, with one deployment for a whole Failsafe execution instead
 * of one per test class. Every class deploys the same archive ({@link DeployedLatchkeyTest}): on
 * Payara Micro, whose adapter starts a process per deployment, that cost about half a minute a
 * class; on WildFly, a deployment about 6 s. Here the first deployment is made, later ones of the
 * same archive get its address, and it is undeployed when the suite ends.
 *
 * <p>The server's adapter is wrapped, not extended (WildFly's is {@code final}), and named by class
 * name only: Arquillian loads this on every server's run, and only that server's adapter is on the
 * class path. Arquillian injects the wrapped adapter's fields as it would have injected the
 * adapter's own.
 *
 * <p>What the classes share is what the PostgreSQL run has always shared, the database, plus the
 * server's memory (caches, counters, the captured log, the outbox's pending mail); each test
 * already starts from the default signing keys and puts the clock back, and uses addresses of its
 * own. {@code -Dlatchkey.it.server-per-class=true} restores a deployment per class, to tell a test
 * that depends on another's leftovers from a real failure.
 */
public abstract class SharedServer implements DeployableContainer<ContainerConfiguration> {

    private static final Logger LOG = Logger.getLogger(SharedServer.class.getName());

    @Inject
    private Instance<Injector> injector;

    private final String adapterClassName;
    private DeployableContainer<ContainerConfiguration> adapter;
    private Archive<?> deployed;
    private ProtocolMetaData deployedAt;

    protected SharedServer(String adapterClassName) {
        this.adapterClassName = adapterClassName;
    }

    @SuppressWarnings("unchecked")
    private DeployableContainer<ContainerConfiguration> adapter() {
        if (adapter == null) {
            try {
                adapter = (DeployableContainer<ContainerConfiguration>) Class.forName(adapterClassName, true, SharedServer.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("The server's Arquillian adapter " + adapterClassName + " cannot be created", e);
            }
            injector.get().inject(adapter);
        }
        return adapter;
    }

    @Override
    public Class<ContainerConfiguration> getConfigurationClass() {
        return adapter().getConfigurationClass();
    }

    @Override
    public void setup(ContainerConfiguration configuration) {
        adapter().setup(configuration);
    }

    @Override
    public void start() throws LifecycleException {
        adapter().start();
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return adapter().getDefaultProtocol();
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (deployed == null) {
            deployedAt = adapter().deploy(archive);
            deployed = archive;
            return deployedAt;
        }
        if (!deployed.getName().equals(archive.getName()) || !deployed.getContent().keySet().equals(archive.getContent().keySet())) {
            throw new DeploymentException("One deployment serves the whole suite, and it is " + deployed.getName()
                    + "; a class deploying a different archive needs a container of its own in arquillian.xml");
        }
        LOG.fine("Reusing the deployment of " + archive.getName());
        return deployedAt;
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // Kept deployed for the next class; stop() undeploys it.
    }

    @Override
    public void deploy(Descriptor descriptor) throws DeploymentException {
        adapter().deploy(descriptor);
    }

    @Override
    public void undeploy(Descriptor descriptor) throws DeploymentException {
        adapter().undeploy(descriptor);
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            if (deployed != null) {
                adapter().undeploy(deployed);
            }
        } catch (DeploymentException e) {
            throw new LifecycleException("Could not undeploy the shared deployment", e);
        } finally {
            deployed = null;
            deployedAt = null;
            adapter().stop();
        }
    }
}
