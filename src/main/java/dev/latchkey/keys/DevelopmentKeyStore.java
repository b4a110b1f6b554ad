package dev.latchkey.keys;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.RandomTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Development secrets kept as owner-only files in a local directory, generated on first start:
 * the key-encryption key that seals the development signing keys in the database, and the CSRF
 * secret. They exist so that the README's run command works on a bare machine; they are not
 * how production keys are managed, and every start says so loudly.
 */
public final class DevelopmentKeyStore {

    private static final Logger LOG = Logger.getLogger(DevelopmentKeyStore.class.getName());

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private DevelopmentKeyStore() {
    }

    /** A random secret kept in a file in the development key directory, generated on first use. */
    public static byte[] loadOrCreateSecret(Path directory, String name, int bytes) {
        Path file = directory.resolve(name);
        try {
            createOwnerOnlyDirectory(directory);
            try {
                createOwnerOnlyFile(file, RandomTokens.base64Url(bytes).getBytes(StandardCharsets.US_ASCII));
                LOG.warning(banner("Generated a DEVELOPMENT secret at " + file.toAbsolutePath()));
            } catch (FileAlreadyExistsException alreadyThere) {
                tightenPermissions(file);
                LOG.warning(banner("Using the DEVELOPMENT secret at " + file.toAbsolutePath()));
            }
            byte[] secret = Base64Values.fromUrl(Files.readString(file, StandardCharsets.UTF_8).strip());
            if (secret.length < bytes) {
                throw new IllegalStateException("Development secret " + file + " is too short");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development secret in " + directory, e);
        }
    }

    public static String banner(String what) {
        return "\n*****************************************************************************\n"
                + "  " + what + "\n"
                + "  THIS IS NOT FOR PRODUCTION. Configure production keys and secrets before going live.\n"
                + "*****************************************************************************";
    }

    /** Creates the directory (and its parents) if missing, and makes it owner-only. Also for the development mail directory. */
    public static void createOwnerOnlyDirectory(Path directory) throws IOException {
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
     * Also how the development mail directory writes its messages.
     *
     * @throws FileAlreadyExistsException when the file is already there
     */
    public static void createOwnerOnlyFile(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Path temporary = isPosix(file.toAbsolutePath().getRoot())
                ? Files.createTempFile(file.getParent(), ".tmp-", ".part", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(file.getParent(), ".tmp-", ".part");
        try {
            Files.write(temporary, content);
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
