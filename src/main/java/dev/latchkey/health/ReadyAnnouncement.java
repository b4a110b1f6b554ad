package dev.latchkey.health;

import dev.latchkey.http.HttpSettings;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.util.logging.Logger;

/**
 * Says the server is ready, with its URL, in one line, after everything else has started. The
 * beans that hold keys, word lists and client registrations start themselves earlier in the same
 * event (each observes it), so a missing key or list, or a malformed setting, has already
 * stopped the deployment (fail closed) by the time this line would be written.
 */
@ApplicationScoped
public class ReadyAnnouncement {

    private static final Logger LOG = Logger.getLogger(ReadyAnnouncement.class.getName());

    @Inject
    HttpSettings settings;

    void announce(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) @Initialized(ApplicationScoped.class) Object started) {
        LOG.info(() -> "Latchkey is ready at " + settings.publicUrl());
    }
}
