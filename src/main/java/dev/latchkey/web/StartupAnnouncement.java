package dev.latchkey.web;

import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.introspection.ResourceServerClients;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.password.PasswordPolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.logging.Logger;

/**
 * Initializes the beans that hold keys, word lists and client registrations at boot rather than
 * on the first request, so that a missing key or list, or a malformed registration, stops the
 * deployment (fail closed), and then says the server is ready, with its URL, in one line.
 */
@ApplicationScoped
public class StartupAnnouncement {

    private static final Logger LOG = Logger.getLogger(StartupAnnouncement.class.getName());

    @Inject
    SigningKeys signingKeys;

    @Inject
    PasswordHasher passwordHasher;

    @Inject
    PasswordPolicy passwordPolicy;

    @Inject
    CsrfGuard csrfGuard;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    ResourceServerClients resourceServerClients;

    @Inject
    @ConfigProperty(name = "latchkey.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    void announce(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) @Initialized(ApplicationScoped.class) Object started) {
        signingKeys.activeSigningKey();
        passwordHasher.hash("warm-up-" + System.nanoTime());
        passwordPolicy.toString();
        csrfGuard.toString();
        rateLimiter.toString();
        resourceServerClients.toString();
        LOG.info(() -> "Latchkey is ready at " + publicUrl);
    }
}
