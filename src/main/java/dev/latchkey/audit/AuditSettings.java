package dev.latchkey.audit;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** The stored audit trail ({@code latchkey.audit.*}). */
@ApplicationScoped
public class AuditSettings extends Settings {

    static final String RETENTION_DAYS = "latchkey.audit.retention-days";

    private Duration retention;

    public static AuditSettings from(SettingsSource source) {
        return load(new AuditSettings(), source);
    }

    public static AuditSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        retention = Duration.ofDays(source.number(RETENTION_DAYS, 90, 1, 3650));
    }

    /** How long stored events are kept; housekeeping deletes older ones. */
    public Duration retention() {
        return retention;
    }
}
