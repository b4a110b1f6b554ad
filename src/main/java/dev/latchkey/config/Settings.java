package dev.latchkey.config;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The one configuration pattern. Each feature has one subclass, {@code <Feature>Settings}, the only
 * reader of its {@code latchkey.<feature>.*} keys: in the server it is a CDI bean loaded from
 * MicroProfile Config when first used (every one is used at boot), and outside the server (the
 * key tool, tests, benchmarks) it is built with {@code from(SettingsSource)} or {@code defaults()}.
 * Either way {@link #load} reads and validates every value, so a bad one stops the start.
 */
public abstract class Settings {

    @Inject
    Config config;

    @PostConstruct
    void loadFromContainer() {
        load(SettingsSource.of(config));
    }

    /** Reads and validates every key of the feature; throws {@link InvalidSettingException} on a bad one. */
    protected abstract void load(SettingsSource source);

    protected static <T extends Settings> T load(T settings, SettingsSource source) {
        settings.load(source);
        return settings;
    }
}
