package dev.latchkey.testsupport.client;

import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Node;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the integration tests add to the real WAR is exactly the server-side support package: its
 * classes (nested ones included) and nothing that would drag JUnit, Arquillian or the client
 * helpers into the server under test.
 */
class LatchkeyDeploymentTest {

    private static final String SERVER_DIRECTORY = "/WEB-INF/classes/"
            + LatchkeyDeployment.SERVER_SUPPORT.getName().replace('.', '/') + "/";

    private static Map<String, String> deployedClasses() {
        Map<String, String> classes = new TreeMap<>();
        for (Map.Entry<ArchivePath, Node> entry : LatchkeyDeployment.serverSupport().getContent().entrySet()) {
            String path = entry.getKey().get();
            if (path.endsWith(".class")) {
                try (InputStream in = entry.getValue().getAsset().openStream()) {
                    // Class names in a class file's constant pool are plain ASCII in internal form.
                    classes.put(path, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return classes;
    }

    @Test
    void theServerSupportPackageIsDeployedWholeWithItsNestedClasses() {
        Set<String> names = deployedClasses().keySet().stream()
                .map(path -> path.substring(SERVER_DIRECTORY.length())).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("ClockControlResource.class", "MovableClockProducer.class",
                "SigningKeyControlResource.class", "SqlStatementLogResource.class", "SqlStatementLogResource$Recorder.class",
                "MovableClock.class", "CapturedLog.class", "CapturedLog$CopyingHandler.class", "CapturedLogResource.class",
                "AdminOnlyResource.class", "MemoryResource.class", "InsiderSigningResource.class")), names.toString());
    }

    @Test
    void nothingDeployedComesFromOrUsesTheClientSide() {
        Map<String, String> classes = deployedClasses();
        assertFalse(classes.isEmpty());
        classes.forEach((path, bytes) -> {
            assertTrue(path.startsWith(SERVER_DIRECTORY), path);
            for (String clientSide : new String[] {"org/junit/", "org/jboss/arquillian/", "org/jboss/shrinkwrap/",
                    "dev/latchkey/testsupport/client/"}) {
                assertFalse(bytes.contains(clientSide), path + " refers to " + clientSide);
            }
        });
    }
}
