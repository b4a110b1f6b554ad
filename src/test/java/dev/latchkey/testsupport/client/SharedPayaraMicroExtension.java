package dev.latchkey.testsupport.client;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Puts {@link SharedPayaraMicro} in place of Payara's own adapter, unless
 * {@code -Dlatchkey.it.server-per-class=true} asks for a server per class. A class of its own,
 * naming Payara's classes only by name: Arquillian loads it on every server's run, and on
 * WildFly's (-Pwildfly) Payara's adapter is not on the class path.
 */
public class SharedPayaraMicroExtension implements LoadableExtension {

    private static final String PAYARA_MICRO_ADAPTER = "fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer";
    private static final String SHARED = "dev.latchkey.testsupport.client.SharedPayaraMicro";

    @Override
    @SuppressWarnings("unchecked")
    public void register(ExtensionBuilder builder) {
        if (Boolean.getBoolean("latchkey.it.server-per-class")) {
            return;
        }
        ClassLoader loader = SharedPayaraMicroExtension.class.getClassLoader();
        try {
            builder.override(DeployableContainer.class,
                    (Class<? extends DeployableContainer>) Class.forName(PAYARA_MICRO_ADAPTER, false, loader),
                    (Class<? extends DeployableContainer>) Class.forName(SHARED, false, loader));
        } catch (ClassNotFoundException e) {
            // Another server's adapter is the one on the class path.
        }
    }
}
