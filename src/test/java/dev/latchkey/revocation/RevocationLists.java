package dev.latchkey.revocation;

import dev.latchkey.metrics.Metrics;
import dev.latchkey.token.TokenSettings;

import java.time.Clock;

/**
 * Unit-test wiring of {@link RevocationList} outside a container: its injected fields are
 * package-private, so tests of other packages get it from here.
 */
public final class RevocationLists {

    private RevocationLists() {
    }

    /** A list over these parts, loaded from the repository as at boot. */
    public static RevocationList loaded(RevocationRepository repository, RevocationCache cache, TokenSettings settings, Clock clock) {
        RevocationList list = unloaded(repository, cache, settings, clock);
        list.loadAtBoot(null);
        return list;
    }

    static RevocationList unloaded(RevocationRepository repository, RevocationCache cache, TokenSettings settings, Clock clock) {
        RevocationList list = new RevocationList();
        list.repository = repository;
        list.cache = cache;
        list.tokenSettings = settings;
        list.clock = clock;
        list.metrics = Metrics.inMemory();
        list.registerMeters();
        return list;
    }
}
