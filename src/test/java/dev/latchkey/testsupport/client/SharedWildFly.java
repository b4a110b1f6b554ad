package dev.latchkey.testsupport.client;

/** WildFly's managed adapter, which deploys and undeploys per class, with one deployment for the suite. */
public class SharedWildFly extends SharedServer {

    static final String ADAPTER = "org.jboss.as.arquillian.container.managed.ManagedDeployableContainer";

    public SharedWildFly() {
        super(ADAPTER);
    }
}
