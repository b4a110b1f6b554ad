package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.role.AccessRights;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token-family tables in maps, for unit tests of {@link SessionService}: each method does
 * what its JPQL does in {@link TokenFamilyRepository}. Like the database, it hands out copies, so
 * a family the service holds does not change under it when the stored one is rotated or revoked.
 *
 * <p>{@link TokenFamily} has no setters (rotation and revocation are UPDATE statements), so the
 * stored rows are changed through their fields.
 */
final class InMemoryTokenFamilies extends TokenFamilyRepository {

    private final Map<String, UserAccount> users = new HashMap<>();
    private final Map<String, TokenFamily> families = new LinkedHashMap<>();
    private final Map<String, RefreshTokenRecord> tokens = new HashMap<>();
    /** Runs once, inside the next rotate, before its compare-and-set: a request racing this one. */
    private Runnable beforeNextRotate;

    void addUser(UserAccount user) {
        users.put(user.id(), user);
    }

    /** The accounts of {@link #addUser}, as the account repository's row lock reads them. */
    UserAccountRepository accounts() {
        return new UserAccountRepository() {
            @Override
            public Optional<UserAccount> lockForUpdate(String id) {
                return Optional.ofNullable(users.get(id));
            }

            @Override
            public void recordLogin(String id, Instant now) {
                // the administrators' list is not under test here
            }
        };
    }

    void beforeNextRotate(Runnable concurrentRequest) {
        this.beforeNextRotate = concurrentRequest;
    }

    /** The stored row, as the database holds it now. */
    TokenFamily stored(String familyId) {
        return copy(families.get(familyId));
    }

    /** How many legacy history rows are stored: none are written unless legacy tokens are issued. */
    int historyRows() {
        return tokens.size();
    }

    /** A session from before self-identifying tokens: its row and its first token's history row. */
    void addLegacySession(TokenFamily family, RefreshTokenRecord firstToken) {
        create(family, Optional.of(firstToken));
    }

    @Override
    void create(TokenFamily family, Optional<RefreshTokenRecord> legacyToken) {
        families.put(family.id(), copy(family));
        legacyToken.ifPresent(token -> tokens.put(hashOf(token), token));
    }

    @Override
    Optional<Presented> findPresented(String familyId, int generation) {
        return Optional.ofNullable(families.get(familyId)).map(family -> presented(family, generation));
    }

    @Override
    Optional<Presented> findByLegacyTokenHash(String tokenHash) {
        return Optional.ofNullable(tokens.get(tokenHash))
                .map(token -> presented(families.get(token.familyId()), token.generation()));
    }

    private Presented presented(TokenFamily family, int generation) {
        return new Presented(generation, copy(family), users.get(family.userId()), new AccessRights(List.of("user"), List.of()));
    }

    @Override
    boolean rotate(TokenFamily family, String presentedHash, String successorHash, String successorSealed, Instant now,
                   Optional<RefreshTokenRecord> legacySuccessor) {
        if (beforeNextRotate != null) {
            Runnable concurrentRequest = beforeNextRotate;
            beforeNextRotate = null;
            concurrentRequest.run();
        }
        TokenFamily row = families.get(family.id());
        if (!row.currentTokenHash().equals(presentedHash) || row.isRevoked()) {
            return false;
        }
        set(row, "currentTokenHash", successorHash);
        set(row, "previousTokenHash", presentedHash);
        set(row, "successorSealed", successorSealed);
        set(row, "generation", row.generation() + 1);
        set(row, "lastUsedAt", now);
        set(row, "rotatedAt", now);
        legacySuccessor.ifPresent(token -> tokens.put(hashOf(token), token));
        return true;
    }

    @Override
    boolean recordKeylessRefresh(String familyId, Instant now, Duration quietPeriod) {
        TokenFamily row = families.get(familyId);
        Instant last = (Instant) get(row, "dpopRefusedAt");
        if (last != null && !last.isBefore(now.minus(quietPeriod))) {
            return false;
        }
        set(row, "dpopRefusedAt", now);
        return true;
    }

    @Override
    TokenFamily reload(String familyId) {
        return copy(families.get(familyId));
    }

    @Override
    Optional<TokenFamily> findById(String familyId) {
        return Optional.ofNullable(families.get(familyId)).map(InMemoryTokenFamilies::copy);
    }

    @Override
    boolean revoke(String familyId, TokenFamily.RevocationReason reason, Instant now) {
        TokenFamily row = families.get(familyId);
        if (row == null || row.isRevoked()) {
            return false;
        }
        set(row, "revokedReason", reason.name());
        set(row, "revokedAt", now);
        set(row, "successorSealed", null);
        return true;
    }

    @Override
    List<String> revokeAllOfUser(String userId, TokenFamily.RevocationReason reason, Instant now) {
        List<String> ids = families.values().stream()
                .filter(family -> family.userId().equals(userId) && !family.isRevoked())
                .map(TokenFamily::id).toList();
        ids.forEach(id -> revoke(id, reason, now));
        return ids;
    }

    @Override
    List<TokenFamily> findLiveOfUser(String userId, Instant now, Duration idleTimeout) {
        return families.values().stream()
                .filter(family -> family.userId().equals(userId) && !family.isRevoked()
                        && family.absoluteExpiresAt().isAfter(now) && family.lastUsedAt().isAfter(now.minus(idleTimeout)))
                .sorted(Comparator.comparing(TokenFamily::createdAt))
                .map(InMemoryTokenFamilies::copy)
                .toList();
    }

    @Override
    int clearSealsRotatedBefore(Instant rotatedBefore) {
        int cleared = 0;
        for (TokenFamily family : families.values()) {
            if (family.successorSealed() != null && family.rotatedAt().isBefore(rotatedBefore)) {
                set(family, "successorSealed", null);
                cleared++;
            }
        }
        return cleared;
    }

    @Override
    int deleteExpired(Instant now) {
        List<String> expired = new ArrayList<>();
        families.values().stream().filter(family -> !family.absoluteExpiresAt().isAfter(now))
                .forEach(family -> expired.add(family.id()));
        tokens.values().removeIf(token -> expired.contains(token.familyId()));
        expired.forEach(families::remove);
        return expired.size();
    }

    private static String hashOf(RefreshTokenRecord token) {
        return (String) get(token, "tokenHash");
    }

    private static TokenFamily copy(TokenFamily family) {
        if (family == null) {
            return null;
        }
        TokenFamily copy = new TokenFamily();
        for (Field field : TokenFamily.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                set(copy, field.getName(), get(family, field.getName()));
            }
        }
        return copy;
    }

    private static Object get(Object target, String name) {
        try {
            Field field = target.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return field.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("No field " + name + " on " + target.getClass().getSimpleName(), e);
        }
    }

    private static void set(Object target, String name, Object value) {
        try {
            Field field = target.getClass().getDeclaredField(name);
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("No field " + name + " on " + target.getClass().getSimpleName(), e);
        }
    }
}
