package dev.latchkey.interop.consumer;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * An "existing application" that trusts Latchkey's tokens with nothing but standard MicroProfile
 * JWT: this annotation, the roles, and META-INF/microprofile-config.properties (written by
 * {@code ResourceServerIT}, with the JWKS URL of the Latchkey under test) and a beans.xml. No
 * Latchkey code, no vendor API.
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"user", "admin", "reports-reader"})
public class ConsumerApplication extends Application {
}
