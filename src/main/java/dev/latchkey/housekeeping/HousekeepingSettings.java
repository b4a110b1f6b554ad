package dev.latchkey.housekeeping;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** How often expired rows are pruned ({@code latchkey.housekeeping.*}). */
@ApplicationScoped
public class HousekeepingSettings extends Settings {

    private Duration interval;

    public static HousekeepingSettings from(SettingsSource source) {
        return load(new HousekeepingSettings(), source);
    }

    public static HousekeepingSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        interval = source.seconds("latchkey.housekeeping.interval-seconds", 600, 10, 86_400);
    }

    public Duration interval() {
        return interval;
    }
}
