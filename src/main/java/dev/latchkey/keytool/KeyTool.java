package dev.latchkey.keytool;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.ClientCredentials;
import dev.latchkey.crypto.KeyImport;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.keys.KeyAdministration;
import dev.latchkey.keys.KeyEncryptionKey;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.keys.SigningKeyStore;
import dev.latchkey.keys.StoredSigningKey;
import dev.latchkey.persistence.DatasourceSettings;
import dev.latchkey.persistence.SchemaMigration;
import dev.latchkey.time.ClockProducer;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operator's command line for signing keys (and resource-server client secrets). It works on
 * the database directly, with the same settings as the server, so it needs no running node:
 *
 * <pre>
 * java -cp 'latchkey/WEB-INF/classes:latchkey/WEB-INF/lib/*' dev.latchkey.keytool.KeyTool &lt;command&gt;
 *   list
 *   generate [--alg RS256|ES256|EdDSA] [--rsa-bits 2048|3072|4096]
 *   import &lt;file&gt; [--alg RS256|ES256|EdDSA] [--kid &lt;kid&gt;]
 *   promote [&lt;kid&gt;] [--force]
 *   retire &lt;kid&gt;
 *   revoke &lt;kid&gt;
 *   client-secret &lt;client-id&gt;
 * </pre>
 *
 * Settings come from system properties or the environment, exactly as the server reads them:
 * {@code latchkey.datasource.url} / {@code LATCHKEY_DATASOURCE_URL} and so on, and the
 * key-encryption key from {@code LATCHKEY_KEYS_KEK} or {@code LATCHKEY_KEYS_KEK_FILE}. Only
 * {@code generate} and {@code import} need the KEK; {@code import} of a PKCS#12 file also reads
 * its password from {@code LATCHKEY_KEYTOOL_IMPORT_PASSWORD} or
 * {@code LATCHKEY_KEYTOOL_IMPORT_PASSWORD_FILE}, and its alias from
 * {@code LATCHKEY_KEYTOOL_IMPORT_ALIAS} (see {@link KeyToolSettings}). Every node picks a change up at its next re-read of the key
 * set; a revocation that must be refused everywhere at once goes through
 * {@code POST /admin/signing-keys/{kid}/revoke} instead (see docs/keys.md).
 */
public final class KeyTool {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;


    /** A 4096-bit RSA key store with a certificate chain is a few KiB; anything far larger is not a key file. */
    static final long MAX_KEY_FILE_BYTES = 1024 * 1024;

    private static final String USAGE_TEXT = """
            Usage: KeyTool <command>
              list                                   the keys, their states and dates
              generate [--alg RS256|ES256|EdDSA] [--rsa-bits 2048|3072|4096]
                                                     a new key pair, stored sealed as the next key
              import <file> [--alg RS256|ES256|EdDSA] [--kid <kid>]
                                                     another issuer's private key (PEM: PKCS#8, PKCS#1
                                                     or SEC1; PKCS#12; or a private JWK), stored sealed
                                                     as the next key; kid: --kid, else the JWK's own,
                                                     else its RFC 7638 thumbprint
              promote [<kid>] [--force]              the next key becomes active, the active one retired
                                                     (refused until the next key is 15 minutes old)
              retire <kid>                           withdraw a next key that should never sign
              revoke <kid>                           a next or retired key is never trusted again
              client-secret <client-id>              a secret for a resource server, and its config entry
            Settings: LATCHKEY_DATASOURCE_URL, LATCHKEY_DATASOURCE_USER, LATCHKEY_DATASOURCE_PASSWORD,
                      LATCHKEY_KEYS_KEK or LATCHKEY_KEYS_KEK_FILE (generate and import),
                      LATCHKEY_KEYTOOL_IMPORT_PASSWORD or LATCHKEY_KEYTOOL_IMPORT_PASSWORD_FILE and
                      LATCHKEY_KEYTOOL_IMPORT_ALIAS (import of PKCS#12; never on the command line)""";

    private final Supplier<SettingsSource> settings;
    private final PrintStream out;
    private final Clock clock;

    /** @param settings read afresh for every command, exactly as the server reads them */
    KeyTool(Supplier<SettingsSource> settings, PrintStream out, Clock clock) {
        this.settings = settings;
        this.out = out;
        this.clock = clock;
    }

    /** Held so that the level set on it is not lost to garbage collection. */
    private static final Logger LIQUIBASE_LOG = Logger.getLogger("liquibase");

    public static void main(String[] args) {
        // The schema migration's progress is noise here; its warnings and errors are not.
        LIQUIBASE_LOG.setLevel(Level.WARNING);
        System.exit(new KeyTool(SettingsSource::systemAndEnvironment, System.out, ClockProducer.system()).run(args));
    }

    int run(String[] args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        if (arguments.isEmpty()) {
            out.println(USAGE_TEXT);
            return USAGE;
        }
        String command = arguments.remove(0);
        try {
            return switch (command) {
                case "list" -> list(arguments);
                case "generate" -> generate(arguments);
                case "import" -> importKey(arguments);
                case "promote" -> promote(arguments);
                case "retire" -> retire(arguments);
                case "revoke" -> revoke(arguments);
                case "client-secret" -> clientSecret(arguments);
                default -> usage();
            };
        } catch (KeyAdministration.RefusedException refused) {
            out.println("Refused: " + refused.getMessage());
            return REFUSED;
        } catch (KeyImport.RefusedKeyException refused) {
            // Fixed text plus sizes and names: never key material.
            out.println("Refused: " + refused.getMessage() + ".");
            return REFUSED;
        } catch (IllegalArgumentException badArguments) {
            out.println(badArguments.getMessage());
            return usage();
        } catch (IllegalStateException | UncheckedIOException failure) {
            // Latchkey's own messages: they name what failed, never a secret or key material.
            out.println("Failed: " + failure.getMessage());
            return FAILED;
        }
    }

    private int usage() {
        out.println(USAGE_TEXT);
        return USAGE;
    }

    private int list(List<String> arguments) {
        noMoreArguments(arguments);
        List<StoredSigningKey> keys = administration().list();
        out.printf("%-44s %-6s %-8s %-20s %-20s %-20s %-20s%n", "KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRED", "REVOKED");
        for (StoredSigningKey key : keys) {
            out.printf("%-44s %-6s %-8s %-20s %-20s %-20s %-20s%n", key.kid(), key.algorithm(), key.state().code(),
                    time(key.createdAt()), time(key.activatedAt()), time(key.retiredAt()), time(key.revokedAt()));
        }
        return OK;
    }

    private int generate(List<String> arguments) {
        JWSAlgorithm algorithm = KeyMaterial.parseAlgorithmOrNull(option(arguments, "--alg").orElse("RS256"));
        if (algorithm == null) {
            throw new IllegalArgumentException("--alg must be one of RS256, ES256, EdDSA");
        }
        int rsaBits;
        try {
            rsaBits = Integer.parseInt(option(arguments, "--rsa-bits").orElse("2048"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rsa-bits must be 2048, 3072 or 4096");
        }
        if (!KeyMaterial.RSA_SIZES.contains(rsaBits)) {
            throw new IllegalArgumentException("--rsa-bits must be 2048, 3072 or 4096");
        }
        noMoreArguments(arguments);
        KeyEncryptionKey kek = keyEncryptionKey();
        StoredSigningKey key = administration().generate(algorithm, rsaBits, kek);
        out.println("Generated " + key.algorithm() + " key " + key.kid() + " as next. It is published now;"
                + " promote it in 15 minutes or later.");
        return OK;
    }

    private int importKey(List<String> arguments) {
        Optional<JWSAlgorithm> algorithm = option(arguments, "--alg").map(name -> {
            JWSAlgorithm parsed = KeyMaterial.parseAlgorithmOrNull(name);
            if (parsed == null) {
                throw new IllegalArgumentException("--alg must be one of RS256, ES256, EdDSA");
            }
            return parsed;
        });
        Optional<String> kid = option(arguments, "--kid");
        Path file = Path.of(single(arguments, "import <file> [--alg RS256|ES256|EdDSA] [--kid <kid>]"));
        if (arguments.get(0).startsWith("--")) {
            throw new IllegalArgumentException("Usage: KeyTool import <file> [--alg RS256|ES256|EdDSA] [--kid <kid>]");
        }
        byte[] content;
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalStateException("The key file is larger than " + MAX_KEY_FILE_BYTES + " bytes; it is not a key");
            }
            content = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot read the key file " + file);
        }
        KeyToolSettings toolSettings = KeyToolSettings.from(settings.get());
        Optional<KeyImport.KeyStoreAccess> keyStore = toolSettings.importPassword()
                .map(password -> new KeyImport.KeyStoreAccess(password.toCharArray(), toolSettings.importAlias()));
        JWK imported;
        try {
            imported = KeyImport.read(content, keyStore, algorithm, kid);
        } finally {
            java.util.Arrays.fill(content, (byte) 0);
        }
        KeyEncryptionKey kek = keyEncryptionKey();
        StoredSigningKey key = administration().importKey(imported, kek);
        out.println("Imported " + key.algorithm() + " key " + key.kid() + " as next. It is published now;"
                + " promote it in 15 minutes or later.");
        return OK;
    }

    private int promote(List<String> arguments) {
        boolean force = arguments.remove("--force");
        Optional<String> kid = arguments.isEmpty() ? Optional.empty() : Optional.of(arguments.remove(0));
        noMoreArguments(arguments);
        StoredSigningKey key = administration().promote(kid, force);
        out.println("Key " + key.kid() + " is active. The previous active key is retired and stays trusted"
                + " until its tokens have expired.");
        return OK;
    }

    private int retire(List<String> arguments) {
        String kid = single(arguments, "retire <kid>");
        administration().retire(kid);
        out.println("Key " + kid + " is retired and will never sign.");
        return OK;
    }

    private int revoke(List<String> arguments) {
        String kid = single(arguments, "revoke <kid>");
        administration().revoke(kid);
        out.println("Key " + kid + " is revoked. Every node drops it at its next re-read of the key set"
                + " (latchkey.keys.refresh-seconds); for an instant cluster-wide refusal of its tokens,"
                + " revoke through POST /admin/signing-keys/" + kid + "/revoke instead.");
        return OK;
    }

    private int clientSecret(List<String> arguments) {
        String clientId = single(arguments, "client-secret <client-id>");
        if (!ClientCredentials.isValidClientId(clientId)) {
            throw new IllegalArgumentException("A client id is 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        String secret = ClientCredentials.generateSecret();
        out.println("Client secret for " + clientId + " (shown once; hand it to that resource server's secret store):");
        out.println("  " + secret);
        out.println("Add this entry on every node to latchkey.introspection.clients for a resource server, or to"
                + " latchkey.metrics.scrape-clients for a metrics scraper (comma-separated):");
        out.println("  " + clientId + ":" + ClientCredentials.hash(secret));
        return OK;
    }

    private KeyAdministration administration() {
        DatasourceSettings database = DatasourceSettings.from(settings.get());
        SigningKeyStore.Connections connections = () -> DriverManager.getConnection(database.url(), database.user(), database.password());
        try (Connection connection = connections.open()) {
            SchemaMigration.migrate(connection);
        } catch (Exception e) {
            // Driver messages can quote the URL with its credentials: name the failure only.
            throw new IllegalStateException("Cannot open or migrate the database (" + e.getClass().getSimpleName() + ")");
        }
        return new KeyAdministration(new SigningKeyStore(connections), clock);
    }

    private KeyEncryptionKey keyEncryptionKey() {
        KeySettings keySettings = KeySettings.from(settings.get());
        Optional<KeyEncryptionKey> configured = keySettings.configuredKeyEncryptionKey();
        if (configured.isPresent()) {
            return configured.get();
        }
        Path development = keySettings.developmentDirectory().resolve(KeySettings.DEVELOPMENT_KEK);
        if (!Files.exists(development)) {
            throw new IllegalArgumentException("Set LATCHKEY_KEYS_KEK (or LATCHKEY_KEYS_KEK_FILE) to the key-encryption key of the nodes");
        }
        out.println("WARNING: no LATCHKEY_KEYS_KEK set; sealing with the DEVELOPMENT key-encryption key " + development);
        return KeyEncryptionKey.readFile(development);
    }

    private static Optional<String> option(List<String> arguments, String name) {
        int index = arguments.indexOf(name);
        if (index < 0) {
            return Optional.empty();
        }
        if (index + 1 >= arguments.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        arguments.remove(index);
        return Optional.of(arguments.remove(index));
    }

    private static String single(List<String> arguments, String usage) {
        if (arguments.size() != 1) {
            throw new IllegalArgumentException("Usage: KeyTool " + usage);
        }
        return arguments.get(0);
    }

    private static void noMoreArguments(List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("Unexpected arguments: " + String.join(" ", arguments));
        }
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
