package dev.latchkey.persistence;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.time.Instant;

/**
 * Stores instants as epoch milliseconds in a BIGINT column. EclipseLink 4.0 would otherwise write
 * {@link Instant} as a serialized blob, and TIMESTAMP columns shift with the JVM's default time
 * zone on some drivers; a number means the same thing on H2, PostgreSQL and MariaDB, on every node.
 */
@Converter(autoApply = true)
public class InstantToEpochMillisConverter implements AttributeConverter<Instant, Long> {

    @Override
    public Long convertToDatabaseColumn(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    @Override
    public Instant convertToEntityAttribute(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
