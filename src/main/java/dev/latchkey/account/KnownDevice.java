package dev.latchkey.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A device an account signed in from, by the digest of its {@link SignInDevice} only, and when it
 * was last seen (liquibase/changes/007-known-device.xml).
 */
@Entity
@Table(name = "known_device")
public class KnownDevice {

    @Id
    @Column(name = "device_key", length = 64)
    private String deviceKey;

    @Column(name = "user_id", length = 36, nullable = false)
    private String userId;

    @Column(name = "last_seen_at", nullable = false)
    private Instant lastSeenAt;

    protected KnownDevice() {
        // for JPA
    }

    KnownDevice(String deviceKey, String userId, Instant lastSeenAt) {
        this.deviceKey = deviceKey;
        this.userId = userId;
        this.lastSeenAt = lastSeenAt;
    }

    Instant lastSeenAt() {
        return lastSeenAt;
    }

    void seen(Instant now) {
        if (now.isAfter(lastSeenAt)) {
            lastSeenAt = now;
        }
    }
}
