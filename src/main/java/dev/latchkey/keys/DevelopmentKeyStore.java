package dev.latchkey.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A signing key kept as a private JWK file in a local directory, generated on first start. It
 * exists so that the README's one run command works on a bare machine; it is not how production
 * keys are managed, and every start says so loudly.
 */
final class DevelopmentKeyStore {

    private static final Logger LOG = Logger.getLogger(DevelopmentKeyStore.class.getName());

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private DevelopmentKeyStore() {
    }

    static ManagedKey loadOrCreate(Path directory, JWSAlgorithm algorithm) {
        Path file = directory.resolve("dev-signing-key-" + algorithm.getName().toLowerCase() + ".jwk.json");
        try {
            createOwnerOnlyDirectory(directory);
            try {
                createOwnerOnlyFile(file, KeyMaterial.generate(algorithm).toJSONString());
                LOG.warning(banner("Generated a DEVELOPMENT signing key at " + file.toAbsolutePath()));
            } catch (FileAlreadyExistsException alreadyThere) {
                tightenPermissions(file);
                LOG.warning(banner("Signing with the DEVELOPMENT key at " + file.toAbsolutePath()));
            }
            ManagedKey key = KeyMaterial.toManagedKey(JWK.parse(Files.readString(file, StandardCharsets.UTF_8)));
            if (!algorithm.equals(key.algorithm())) {
                throw new IllegalStateException("Key file " + file + " is bound to " + key.algorithm()
                        + ", not the configured " + algorithm);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development signing key in " + directory, e);
        } catch (ParseException e) {
            // The message of a JWK parse error may quote key material: keep it out of the log.
            throw new IllegalStateException("Development signing key file " + file + " is not a valid JWK");
        }
    }

    /** A random secret kept in a file beside the development key, generated on first use. */
    static byte[] loadOrCreateSecret(Path directory, String name, int bytes) {
        Path file = directory.resolve(name);
        try {
            createOwnerOnlyDirectory(directory);
            try {
                createOwnerOnlyFile(file, dev.latchkey.token.RandomTokens.base64Url(bytes));
                LOG.warning(banner("Generated a DEVELOPMENT secret at " + file.toAbsolutePath()));
            } catch (FileAlreadyExistsException alreadyThere) {
                tightenPermissions(file);
                LOG.warning(banner("Using the DEVELOPMENT secret at " + file.toAbsolutePath()));
            }
            byte[] secret = java.util.Base64.getUrlDecoder().decode(Files.readString(file, StandardCharsets.UTF_8).strip());
            if (secret.length < bytes) {
                throw new IllegalStateException("Development secret " + file + " is too short");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development secret in " + directory, e);
        }
    }

    private static String banner(String what) {
        return "\n*****************************************************************************\n"
                + "  " + what + "\n"
                + "  THIS KEY IS NOT FOR PRODUCTION. Configure production keys before going live.\n"
                + "*****************************************************************************";
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (isPosix(directory.toAbsolutePath().getRoot())) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        } else {
            Files.createDirectories(directory);
        }
    }

    /**
     * Written to an owner-only temporary file and moved into place atomically, so the key is never
     * readable by others, even briefly, and a node starting at the same moment (or after a crash)
     * never reads a half-written file.
     *
     * @throws FileAlreadyExistsException when the file is already there
     */
    private static void createOwnerOnlyFile(Path file, String content) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Path temporary = isPosix(file.toAbsolutePath().getRoot())
                ? Files.createTempFile(file.getParent(), ".tmp-", ".part", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(file.getParent(), ".tmp-", ".part");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            // A hard link is created atomically and fails if the name exists (a rename would
            // silently replace it): if another node won the race, its file stands and we read it.
            Files.createLink(file, temporary);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void tightenPermissions(Path file) throws IOException {
        if (isPosix(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY_FILE)) {
            LOG.warning("Key file " + file + " was readable by others; restricting it to its owner");
            Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
