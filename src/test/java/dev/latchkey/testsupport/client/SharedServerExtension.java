package dev.latchkey.testsupport.client;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Puts {@link SharedPayaraMicro} and {@link SharedWildFly} in place of their servers' own adapters,
 * unless {@code -Dlatchkey.it.server-per-class=true} asks for a deployment per class. Each run has
 * one server's adapter on its class path; the other's override is skipped.
 */
public class SharedServerExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if (Boolean.getBoolean("latchkey.it.server-per-class")) {
            return;
        }
        override(builder, SharedPayaraMicro.ADAPTER, SharedPayaraMicro.class);
        override(builder, SharedWildFly.ADAPTER, SharedWildFly.class);
    }

    @SuppressWarnings("unchecked")
    private static void override(ExtensionBuilder builder, String adapterClassName, Class<? extends SharedServer> shared) {
        try {
            Class<?> adapter = Class.forName(adapterClassName, false, SharedServerExtension.class.getClassLoader());
            builder.override(DeployableContainer.class, (Class<? extends DeployableContainer>) adapter, shared);
        } catch (ClassNotFoundException e) {
            // Another server's adapter is the one on the class path.
        }
    }
}
