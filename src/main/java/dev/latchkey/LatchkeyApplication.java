package dev.latchkey;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Map;

/**
 * The JAX-RS application, served at the context root. Resources are discovered by scanning.
 * The roles are declared here and in web.xml: Payara maps a token's groups to roles only for
 * roles the application declares.
 */
@ApplicationPath("/")
@DeclareRoles({"user", "admin"})
public class LatchkeyApplication extends Application {

    @Override
    public Map<String, Object> getProperties() {
        // WADL would publish a map of every endpoint to anonymous callers.
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
