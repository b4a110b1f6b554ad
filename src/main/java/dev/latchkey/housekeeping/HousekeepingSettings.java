package dev.latchkey.housekeeping;

import dev.latchkey.config.SettingsSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;

/** How often expired rows are pruned ({@code latchkey.housekeeping.*}). */
@ApplicationScoped
public class HousekeepingSettings {

    @Inject
    Config config;

    private Duration interval;

    @PostConstruct
    void load() {
        load(SettingsSource.of(config));
    }

    public static HousekeepingSettings from(SettingsSource source) {
        HousekeepingSettings settings = new HousekeepingSettings();
        settings.load(source);
        return settings;
    }

    public static HousekeepingSettings defaults() {
        return from(SettingsSource.defaults());
    }

    private void load(SettingsSource source) {
        interval = source.seconds("latchkey.housekeeping.interval-seconds", 600, 10, 86_400);
    }

    public Duration interval() {
        return interval;
    }
}
