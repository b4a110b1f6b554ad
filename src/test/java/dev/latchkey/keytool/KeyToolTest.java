package dev.latchkey.keytool;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.ClientCredentials;
import dev.latchkey.testsupport.server.MovableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotation runbook of docs/keys.md, command by command, against a real (in-memory H2) database
 * migrated by the real changelogs, exactly as an operator runs it.
 */
class KeyToolTest {

    private final Map<String, String> settings = new HashMap<>();
    private final MovableClock clock = MovableClock.at(Instant.parse("2026-03-01T09:00:00Z"));
    private ByteArrayOutputStream output;
    private String kek;

    @BeforeEach
    void freshDatabase() {
        settings.put("latchkey.datasource.url", "jdbc:h2:mem:keytool-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("latchkey.keys.directory", "target/keytool-test-no-such-directory");
        kek = randomKek();
        settings.put("latchkey.keys.kek", kek);
    }

    private static String randomKek() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private int run(String... args) {
        output = new ByteArrayOutputStream();
        return new KeyTool(() -> SettingsSource.of(settings), new PrintStream(output, true, StandardCharsets.UTF_8), clock).run(args);
    }

    private String out() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private String generated(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "generate";
        System.arraycopy(args, 0, command, 1, args.length);
        assertEquals(KeyTool.OK, run(command), out());
        Matcher kid = Pattern.compile("key (\\S+) as next").matcher(out());
        assertTrue(kid.find(), out());
        return kid.group(1);
    }

    private Map<String, String> states() {
        assertEquals(KeyTool.OK, run("list"), out());
        Map<String, String> states = new HashMap<>();
        for (String line : out().lines().skip(1).toList()) {
            String[] columns = line.trim().split("\\s+");
            states.put(columns[0], columns[2]);
        }
        return states;
    }

    @Test
    void theRotationRunbookWorksStepByStep() {
        assertEquals(Map.of(), states());

        // First key of a new installation: generate, then promote at once (nobody caches it yet).
        String first = generated("--alg", "RS256");
        assertEquals(KeyTool.OK, run("promote"), out());
        assertEquals(Map.of(first, "active"), states());

        // Scheduled rotation: the new key is published as next, and may sign only 15 minutes later.
        String second = generated("--alg", "ES256");
        assertEquals(Map.of(first, "active", second, "next"), states());
        assertEquals(KeyTool.REFUSED, run("promote"));
        assertTrue(out().contains("15 minutes"), out());
        clock.advance(Duration.ofMinutes(15));
        assertEquals(KeyTool.OK, run("promote", second), out());
        assertEquals(Map.of(first, "retired", second, "active"), states());

        // A next key that should never sign is withdrawn; the active key cannot be retired or revoked.
        String withdrawn = generated("--alg", "EdDSA");
        assertEquals(KeyTool.OK, run("retire", withdrawn), out());
        assertEquals(KeyTool.REFUSED, run("retire", second));
        assertEquals(KeyTool.REFUSED, run("revoke", second));
        assertEquals(KeyTool.REFUSED, run("promote", first), "a retired key is not promoted again");

        // Revocation of a retired key.
        assertEquals(KeyTool.OK, run("revoke", first), out());
        assertEquals(KeyTool.REFUSED, run("revoke", first));
        assertEquals(Map.of(first, "revoked", second, "active", withdrawn, "retired"), states());
        assertEquals(KeyTool.REFUSED, run("revoke", "no-such-kid"));
    }

    @Test
    void emergencyPromotionSkipsTheWaitOnlyWhenForced() {
        generated();
        run("promote");
        String replacement = generated("--alg", "RS256", "--rsa-bits", "3072");
        assertEquals(KeyTool.REFUSED, run("promote", replacement));
        assertEquals(KeyTool.OK, run("promote", replacement, "--force"), out());
        assertEquals("active", states().get(replacement));
    }

    @Test
    void onlyOneNextKeyAtATime() {
        generated();
        assertEquals(KeyTool.REFUSED, run("generate"));
        assertTrue(out().contains("already exists"), out());
    }

    @Test
    void aKeySealedUnderAnotherKekIsRefusedBeforeItIsStored() {
        generated();
        run("promote");
        settings.put("latchkey.keys.kek", randomKek());
        assertEquals(KeyTool.REFUSED, run("generate"));
        assertTrue(out().contains("LATCHKEY_KEYS_KEK"), out());
        assertEquals(1, states().size());
    }

    @Test
    void generatingNeedsAKekAndNothingSecretIsPrinted() {
        settings.remove("latchkey.keys.kek");
        assertEquals(KeyTool.USAGE, run("generate"));
        settings.put("latchkey.keys.kek", kek);
        generated();
        assertFalse(out().contains(kek));
        assertEquals(KeyTool.OK, run("list"));
        assertFalse(out().contains("v1."), "sealed keys are never listed");
    }

    @Test
    void badArgumentsGetTheUsage() {
        for (List<String> args : List.of(List.<String>of(), List.of("rotate"), List.of("generate", "--alg", "HS256"),
                List.of("generate", "--alg", "none"), List.of("generate", "--rsa-bits", "1024"),
                List.of("generate", "--rsa-bits"), List.of("retire"), List.of("revoke", "a", "b"),
                List.of("list", "extra"), List.of("client-secret", "bad id"))) {
            assertEquals(KeyTool.USAGE, run(args.toArray(String[]::new)), args.toString());
        }
    }

    @Test
    void aClientSecretComesWithTheConfigurationEntryOfItsHash() {
        assertEquals(KeyTool.OK, run("client-secret", "orders-api"), out());
        List<String> lines = out().lines().map(String::strip).toList();
        String secret = lines.get(1);
        String entry = lines.get(3);
        assertEquals(43, secret.length());
        assertEquals("orders-api:" + ClientCredentials.hash(secret), entry);
        assertFalse(entry.contains(secret));
    }
}
