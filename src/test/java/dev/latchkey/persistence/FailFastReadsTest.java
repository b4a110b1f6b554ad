package dev.latchkey.persistence;

import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.Project;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A read that failed for want of the database is not retried after sleeps. */
class FailFastReadsTest {

    @Test
    void theSessionRetriesNoReadAndNeverSleeps() {
        DatabaseLogin login = new DatabaseLogin();
        assertEquals(3, login.getQueryRetryAttemptCount(), "EclipseLink's default, which held sign-ins past 15 s");
        new FailFastReads().customize(new Project(login).createDatabaseSession());
        assertEquals(0, login.getQueryRetryAttemptCount());
        assertEquals(0, login.getDelayBetweenConnectionAttempts());
    }

    @Test
    void thePersistenceUnitUsesIt() throws IOException {
        String unit = Files.readString(Path.of("src/main/resources/META-INF/persistence.xml"));
        assertTrue(unit.contains("<property name=\"eclipselink.session.customizer\" value=\"" + FailFastReads.class.getName() + "\"/>"));
    }
}
