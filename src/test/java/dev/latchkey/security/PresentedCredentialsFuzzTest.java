package dev.latchkey.security;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.testsupport.FuzzBudget;
import dev.latchkey.testsupport.StubRequest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credential extraction on any Authorization headers and session cookies, duplicates included:
 * one token or none, or {@link PresentedCredentials.AmbiguousCredentialsException}, and nothing
 * else escapes. A token found is always one of the values the request carried.
 */
class PresentedCredentialsFuzzTest {

    private static final List<String> COOKIE_NAMES = List.of("__Host-latchkey-access", "__Secure-latchkey-refresh", "other");

    private static final PresentedCredentials CREDENTIALS = new PresentedCredentials();

    static {
        CREDENTIALS.cookies = CookieSettings.from(SettingsSource.of(Map.of("latchkey.cookie.access.enabled", "true")));
    }

    @FuzzTest(maxDuration = "60s")
    void anyHeadersAndCookiesGiveOneTokenNoneOrAmbiguity(FuzzedDataProvider data) {
        StubRequest stub = StubRequest.of("GET", "/api/me");
        StringBuilder carried = new StringBuilder();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            String header = data.consumeString(300);
            stub.header("Authorization", header);
            carried.append(header).append('\n');
        }
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            String value = data.consumeString(300);
            stub.cookie(data.pickValue(COOKIE_NAMES), value);
            carried.append(value).append('\n');
        }
        Optional<PresentedCredentials.PresentedToken> found = FuzzBudget.timed(() -> {
            try {
                return CREDENTIALS.from(stub.build());
            } catch (PresentedCredentials.AmbiguousCredentialsException ambiguous) {
                return Optional.empty();
            }
        });
        found.ifPresent(token -> assertTrue(carried.toString().contains(token.value()), "a token the request did not carry"));
    }
}
