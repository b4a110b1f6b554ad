package dev.latchkey.metrics;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.ClientCredentials;
import jakarta.enterprise.context.ApplicationScoped;

/** Metrics and who may scrape them ({@code latchkey.metrics.*}). */
@ApplicationScoped
public class MetricsSettings extends Settings {

    public static final String ENABLED = "latchkey.metrics.enabled";
    public static final String SCRAPE_CLIENTS = "latchkey.metrics.scrape-clients";

    private boolean enabled;
    private ClientCredentials scrapeClients;

    public static MetricsSettings from(SettingsSource source) {
        return load(new MetricsSettings(), source);
    }

    public static MetricsSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        enabled = source.flag(ENABLED, true);
        scrapeClients = ClientCredentials.parse(SCRAPE_CLIENTS, source.text(SCRAPE_CLIENTS, ""));
    }

    /** Off: every meter is a no-op and {@code /metrics} answers 404 (the benchmarks' baseline). */
    public boolean enabled() {
        return enabled;
    }

    /** Scrapers that authenticate with HTTP Basic and a generated secret rather than a user's token. */
    public ClientCredentials scrapeClients() {
        return scrapeClients;
    }
}
