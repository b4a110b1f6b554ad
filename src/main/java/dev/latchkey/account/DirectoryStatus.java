package dev.latchkey.account;

import java.util.Locale;
import java.util.Optional;

/**
 * An account's status as administrators see and filter it: {@code pending} is an active account
 * whose address is not verified yet (possible when {@code latchkey.account.require-verified-email}
 * is off, or for accounts from before it was on). A registration waiting for its link is no
 * account yet, and is not listed.
 */
public enum DirectoryStatus {
    ACTIVE, DISABLED, PENDING;

    public static DirectoryStatus of(UserAccount account) {
        if (!account.isActive()) {
            return DISABLED;
        }
        return account.isEmailVerified() ? ACTIVE : PENDING;
    }

    /** @return empty for anything but {@code active}, {@code disabled} or {@code pending} */
    public static Optional<DirectoryStatus> parse(String value) {
        for (DirectoryStatus status : values()) {
            if (status.code().equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
