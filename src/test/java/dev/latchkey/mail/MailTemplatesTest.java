package dev.latchkey.mail;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailTemplatesTest {

    private static final String HOSTILE = "\"<script>alert(1)</script>\"@example.com";

    @Test
    void theAddressIsTextInTheHtmlPartAndVerbatimInThePlainPart() {
        MailMessage message = MailTemplates.render("password-changed", HOSTILE,
                Map.of("email", HOSTILE, "time", MailTemplates.utcMinute(Instant.parse("2026-12-01T19:25:41Z"))));
        assertEquals("Your Latchkey password was changed", message.subject());
        assertTrue(message.text().contains(HOSTILE));
        assertTrue(message.text().contains("2026-12-01 19:25 (UTC)"));
        assertFalse(message.html().contains("<script>"), message.html());
        assertTrue(message.html().contains("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com"));
    }

    @Test
    void aMissingValueOrAnUnusedOneIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> MailTemplates.render("password-changed", "a@example.com",
                Map.of("email", "a@example.com")));
        assertThrows(IllegalStateException.class, () -> MailTemplates.render("password-changed", "a@example.com",
                Map.of("email", "a@example.com", "time", "now", "link", "https://example.com")));
        assertThrows(IllegalStateException.class, () -> MailTemplates.render("no-such-template", "a@example.com", Map.of()));
    }
}
