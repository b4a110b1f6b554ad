package dev.latchkey.session;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stolen session must not become a stolen password: guesses at the current password on
 * {@code /auth/password/change} draw from the account's failure budget, the same one login uses.
 * The test server keeps that budget at its default (5 failures in 15 minutes) while the per-IP
 * budgets are lifted (src/test/resources/arquillian.xml), so only the per-account limit can refuse.
 */
class PasswordChangeLimitIT extends DeployedLatchkeyTest {

    private static final String CHANGED = "an entirely different passphrase";
    private static final String CHANGED_AGAIN = "yet another quite different passphrase";

    @Test
    void guessesAtTheCurrentPasswordUseUpTheAccountsFailureBudgetAndASuccessGivesItsTokenBack() {
        String email = registered();
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);

        for (int guess = 1; guess <= 4; guess++) {
            assertProblem(change(session, "wrong guess number " + guess, CHANGED), 403, "guess " + guess);
        }
        // One failure left: the right password takes it and gives it back.
        HttpResponse<String> changed = session.absorb(change(session, PASSWORD, CHANGED));
        assertEquals(200, changed.statusCode(), changed.body());
        assertProblem(change(session, "wrong guess number 5", CHANGED_AGAIN), 403,
                "the successful change gave its token back, so a fifth failure is still allowed");

        // The budget is spent: refused before any password is checked, the right one included.
        for (String current : new String[] {"wrong guess number 6", CHANGED}) {
            HttpResponse<String> limited = change(session, current, CHANGED_AGAIN);
            assertProblem(limited, 429, "budget spent");
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        }
        // One budget per account, shared with login.
        assertProblem(http.login(email, CHANGED), 429, "login draws from the same budget");
    }

    private HttpResponse<String> change(BrowserSession session, String current, String replacement) {
        String body = jakarta.json.Json.createObjectBuilder().add("current_password", current)
                .add("new_password", replacement).build().toString();
        return http.send(http.request("/auth/password/change").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + session.accessToken())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
