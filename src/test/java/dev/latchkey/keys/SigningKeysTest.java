package dev.latchkey.keys;

import java.util.Map;

import java.util.HashMap;

import dev.latchkey.config.SettingsSource;

import dev.latchkey.persistence.SchemaMigration;
import dev.latchkey.testsupport.server.MovableClock;
import dev.latchkey.token.TokenSettings;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key ring of one node over a real (in-memory H2) key table: what it signs with, what it
 * trusts and publishes, and how it follows changes made by the key tool or another node.
 */
class SigningKeysTest {

    private static final int TTL = 900;
    private static final int SKEW = 60;
    private static final int REFRESH = 30;

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-03-01T09:00:00Z"));
    private JdbcDataSource dataSource;
    private Path directory;

    @BeforeEach
    void freshDatabase() throws Exception {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:signing-keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigration.migrate(connection);
        }
        directory = Files.createTempDirectory("latchkey-keys-test");
    }

    private KeySettings settings(String algorithm, Optional<String> kek) {
        Map<String, String> values = new HashMap<>(Map.of(
                KeySettings.DIRECTORY, directory.toString(),
                KeySettings.REFRESH_SECONDS, String.valueOf(REFRESH),
                KeySettings.JWKS_MAX_AGE_SECONDS, "300"));
        kek.ifPresent(value -> values.put(KeySettings.KEK, value));
        return KeySettings.from(SettingsSource.of(values));
    }

    private SigningKeys node(Optional<String> kek) {
        SigningKeys keys = new SigningKeys();
        keys.settings = settings("RS256", kek);
        keys.tokenSettings = tokenSettings(Map.of());
        keys.clock = clock;
        keys.dataSource = dataSource;
        keys.load();
        return keys;
    }

    private static String randomKek() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Set<String> publishedKids(SigningKeys keys) {
        return Set.copyOf(keys.publicJwkSet().getKeys().stream().map(JWK::getKeyID).toList());
    }

    @Test
    void withoutConfigurationTwoNodesShareOneGeneratedDevelopmentKey() {
        SigningKeys first = node(Optional.empty());
        SigningKeys second = node(Optional.empty());
        assertEquals(first.activeSigningKey().kid(), second.activeSigningKey().kid());
        assertEquals(JWSAlgorithm.RS256, first.activeSigningKey().algorithm());
        assertTrue(Files.exists(directory.resolve("dev-key-encryption-key")));
        assertEquals(1, first.administration().list().size());
    }

    @Test
    void productionModeNeverInventsAKey() {
        IllegalStateException refusal = assertThrows(IllegalStateException.class, () -> node(Optional.of(randomKek())));
        assertTrue(refusal.getMessage().contains("key tool"), refusal.getMessage());
        assertTrue(new SigningKeyStore(dataSource::getConnection).findAll().isEmpty());
    }

    @Test
    void aNodeWithTheWrongKekRefusesToStart() {
        String kek = randomKek();
        KeyAdministration administration = new KeyAdministration(new SigningKeyStore(dataSource::getConnection), clock);
        administration.generate(JWSAlgorithm.ES256, 2048, KeyEncryptionKey.parse(kek));
        administration.promote(Optional.empty(), false);
        assertEquals(JWSAlgorithm.ES256, node(Optional.of(kek)).activeSigningKey().algorithm());
        assertThrows(IllegalStateException.class, () -> node(Optional.of(randomKek())));
    }

    @Test
    void aRotationAsOneNodeSeesIt() {
        String kek = randomKek();
        KeyAdministration tool = new KeyAdministration(new SigningKeyStore(dataSource::getConnection), clock);
        String first = tool.generate(JWSAlgorithm.RS256, 2048, KeyEncryptionKey.parse(kek)).kid();
        tool.promote(Optional.empty(), false);
        SigningKeys node = node(Optional.of(kek));

        // Generated: published and trusted at the node's next re-read, not yet signing.
        String second = tool.generate(JWSAlgorithm.EdDSA, 2048, KeyEncryptionKey.parse(kek)).kid();
        assertEquals(Set.of(first), publishedKids(node));
        node.refresh();
        assertEquals(Set.of(first, second), publishedKids(node));
        assertTrue(node.verificationKey(second).isPresent());
        assertEquals(first, node.activeSigningKey().kid());
        assertEquals(Set.of("EdDSA", "RS256"), node.trustedAlgorithms());

        // Promoted: the new key signs; the old one is still trusted for what it signed.
        clock.advance(Duration.ofMinutes(15));
        tool.promote(Optional.empty(), false);
        node.refresh();
        assertEquals(second, node.activeSigningKey().kid());
        assertTrue(node.verificationKey(first).isPresent());

        // The retired key leaves once nothing it could have signed is alive.
        clock.advance(Duration.ofSeconds(REFRESH + TTL + SKEW - 1));
        assertTrue(node.verificationKey(first).isPresent());
        assertEquals(Set.of(first, second), publishedKids(node));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(node.verificationKey(first).isPresent());
        assertEquals(Set.of(second), publishedKids(node));
        assertEquals(Set.of("EdDSA"), node.trustedAlgorithms());
    }

    @Test
    void aRevokedKeyIsGoneAtTheNextReRead() {
        SigningKeys node = node(Optional.empty());
        KeyEncryptionKey kek = KeyEncryptionKey.readFile(directory.resolve("dev-key-encryption-key"));
        KeyAdministration tool = node.administration();
        String next = tool.generate(JWSAlgorithm.ES256, 2048, kek).kid();
        node.reload();
        assertTrue(node.verificationKey(next).isPresent());
        tool.revoke(next);
        node.reload();
        assertFalse(node.verificationKey(next).isPresent());
        assertFalse(publishedKids(node).contains(next));
    }

    @Test
    void aDatabaseOutageKeepsTheKeysAlreadyRead() throws Exception {
        SigningKeys node = node(Optional.empty());
        String active = node.activeSigningKey().kid();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE signing_key");
        }
        node.refresh();
        assertEquals(active, node.activeSigningKey().kid());
        assertTrue(node.verificationKey(active).isPresent());
    }

    @Test
    void aNodeThatCannotReReadTheKeySetForLongerThanTheMaxStalenessIsNotReady() throws Exception {
        SigningKeys node = node(Optional.empty());
        assertTrue(node.isKeySetFresh());
        Duration maxStaleness = node.settings.maxStaleness();
        assertEquals(Duration.ofSeconds(300), maxStaleness, "the default, with refresh-seconds=30");
        execute("ALTER TABLE signing_key RENAME TO signing_key_unreachable");

        clock.advance(Duration.ofSeconds(REFRESH));
        node.refresh();
        assertTrue(node.isKeySetFresh(), "one failed re-read is an outage to ride out, not yet staleness");
        clock.advance(maxStaleness.minusSeconds(REFRESH));
        node.refresh();
        assertTrue(node.isKeySetFresh(), "exactly at the limit");
        clock.advance(Duration.ofSeconds(1));
        node.refresh();
        assertFalse(node.isKeySetFresh(), "it might still trust a key revoked since its last read");
        assertTrue(node.verificationKey(node.activeSigningKey().kid()).isPresent(), "still verifying, just not ready");

        execute("ALTER TABLE signing_key_unreachable RENAME TO signing_key");
        node.refresh();
        assertTrue(node.isKeySetFresh(), "ready again after one successful re-read");
    }

    @Test
    void theMaxStalenessCoversSeveralRefreshIntervals() {
        assertEquals(Duration.ofSeconds(360), KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.REFRESH_SECONDS, "120"))).maxStaleness(), "the default follows a long refresh interval");
        assertEquals(Duration.ofSeconds(90), KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.REFRESH_SECONDS, "30", KeySettings.MAX_STALENESS_SECONDS, "90"))).maxStaleness());
        assertThrows(IllegalStateException.class, () -> KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.REFRESH_SECONDS, "30", KeySettings.MAX_STALENESS_SECONDS, "89"))));
        assertThrows(IllegalStateException.class, () -> KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.MAX_STALENESS_SECONDS, "3601"))));
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void hs256IsOnlyOnWhenAskedForAndNeverPublished() {
        SigningKeys keys = new SigningKeys();
        keys.settings = settings("HS256", Optional.empty());
        keys.tokenSettings = tokenSettings(Map.of(TokenSettings.ALGORITHM, "HS256"));
        keys.clock = clock;
        assertThrows(IllegalStateException.class, keys::load, "HS256 without a secret");

        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        keys.tokenSettings = tokenSettings(Map.of(TokenSettings.ALGORITHM, "HS256",
                TokenSettings.HS256_SECRET, Base64.getEncoder().encodeToString(secret)));
        keys.load();
        assertEquals(JWSAlgorithm.HS256, keys.activeSigningKey().algorithm());
        assertEquals(List.of(), keys.publicJwkSet().getKeys());
        assertEquals(Set.of("HS256"), keys.trustedAlgorithms());
    }

    private static TokenSettings tokenSettings(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of(
                TokenSettings.ISSUER, "https://auth.example.test",
                TokenSettings.AUDIENCE, "api",
                TokenSettings.ACCESS_TTL_SECONDS, String.valueOf(TTL),
                TokenSettings.CLOCK_SKEW_SECONDS, String.valueOf(SKEW)));
        values.putAll(overrides);
        return TokenSettings.from(SettingsSource.of(values));
    }

    @Test
    void refreshAndCacheLimitsAreEnforced() {
        assertThrows(IllegalStateException.class, () -> KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.REFRESH_SECONDS, String.valueOf(KeySettings.MAX_REFRESH_SECONDS + 1)))));
        assertThrows(IllegalStateException.class, () -> KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.JWKS_MAX_AGE_SECONDS, String.valueOf(KeySettings.MAX_MAX_AGE_SECONDS + 1)))));
        assertThrows(IllegalStateException.class, () -> tokenSettings(Map.of(TokenSettings.ALGORITHM, "none")));
        // Whatever the settings, a key is next for longer than consumers and nodes take to see it.
        assertTrue(Duration.ofSeconds(KeySettings.MAX_MAX_AGE_SECONDS + KeySettings.MAX_REFRESH_SECONDS)
                .compareTo(KeyAdministration.MIN_TIME_AS_NEXT) < 0);
    }
}
