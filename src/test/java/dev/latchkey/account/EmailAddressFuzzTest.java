package dev.latchkey.account;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.testsupport.FuzzBudget;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** E-mail addresses: any text is normalized or refused, a normalized address is a fixed point, and never longer than the limit. */
class EmailAddressFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyTextIsNormalizedOnceOrRefused(String raw) {
        Optional<String> normalized = FuzzBudget.timed(() -> EmailAddress.normalize(raw));
        normalized.ifPresent(address -> {
            assertTrue(address.length() <= EmailAddress.MAX_LENGTH, address);
            assertEquals(normalized, EmailAddress.normalize(address), "normalizing twice changes nothing");
        });
    }
}
