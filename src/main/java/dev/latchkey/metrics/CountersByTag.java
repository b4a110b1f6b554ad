package dev.latchkey.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One counter per value of an enum, as one meter with one tag ({@code latchkey.logins{outcome}}).
 * Every value's counter exists from boot, at zero, so that a dashboard's rate of, say,
 * {@code reuse_detected} is 0 rather than missing until the first attack; and the tag's values
 * are the enum's, never anything a client sends.
 */
public final class CountersByTag<E extends Enum<E>> {

    private final Map<E, Counter> counters;

    CountersByTag(MeterRegistry registry, String name, String description, String tag, Class<E> values) {
        counters = new EnumMap<>(values);
        for (E value : values.getEnumConstants()) {
            counters.put(value, Counter.builder(name).description(description)
                    .tag(tag, value.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    public void increment(E value) {
        counters.get(value).increment();
    }
}
