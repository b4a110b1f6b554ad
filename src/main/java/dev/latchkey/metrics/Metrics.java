package dev.latchkey.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The node's one meter registry. Every feature registers its own meters here (each in a
 * {@code *Meters} class of its package, or a gauge on the bean whose state it reads); the
 * Prometheus text format comes out at {@code /metrics} ({@code health.MetricsResource}).
 *
 * <p>Tags stay few and fixed (outcomes, kinds, route templates, never an address, a user id or a
 * raw path): a tag value an attacker can choose would grow the registry without bound.
 */
@ApplicationScoped
public class Metrics {

    @Inject
    MetricsSettings settings;

    private MeterRegistry registry;
    private PrometheusMeterRegistry prometheus;
    private JvmGcMetrics gc;

    /** For the unit tests of classes that record meters: an in-memory registry, nothing served. */
    public static Metrics inMemory() {
        Metrics metrics = new Metrics();
        metrics.registry = new SimpleMeterRegistry();
        return metrics;
    }

    @PostConstruct
    void start() {
        if (!settings.enabled()) {
            // A composite with no registry behind it: every meter is a no-op.
            registry = new CompositeMeterRegistry();
            return;
        }
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry = prometheus;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    @PreDestroy
    void stop() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** @param tag the tag whose values are {@code values}' names in lower case */
    public <E extends Enum<E>> CountersByTag<E> countersByTag(String name, String description, String tag, Class<E> values) {
        return new CountersByTag<>(registry, name, description, tag, values);
    }

    /** The Prometheus text format (0.0.4) of every meter; empty when metrics are switched off. */
    public Optional<String> scrape() {
        return Optional.ofNullable(prometheus).map(PrometheusMeterRegistry::scrape);
    }
}
