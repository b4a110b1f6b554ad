package dev.latchkey.problem;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The problem+json body: the four standard members, and extension members only when a problem carries them. */
class ProblemTest {

    @Test
    void aProblemWithoutMembersHasExactlyTheStandardOnes() {
        JsonObject json = Problem.of(400, "weak-password", "Bad Request", "Fixed text.").toJson();
        assertEquals(Set.of("type", "title", "status", "detail"), json.keySet());
        assertEquals("urn:latchkey:problem:weak-password", json.getString("type"));
        assertEquals(400, json.getInt("status"));
    }

    @Test
    void extensionMembersAppearBesideTheStandardOnes() {
        Problem problem = Problem.of(400, "weak-password", "Bad Request", "Fixed text.")
                .withMember("rule", "too-short").withHeader("Retry-After", "1");
        JsonObject json = problem.toJson();
        assertEquals(Set.of("type", "title", "status", "detail", "rule"), json.keySet());
        assertEquals("too-short", json.getString("rule"));
        assertEquals("Fixed text.", json.getString("detail"));
        assertEquals("1", problem.headers().get("Retry-After"), "a header added after a member keeps the member");
        assertEquals("too-short", problem.withHeader("X-Other", "2").members().get("rule"));
    }

    @Test
    void standardMemberNamesAndMalformedNamesAreRefused() {
        Problem problem = Problem.of(400, "invalid-request", "Bad Request", "Fixed text.");
        for (String name : new String[] {"type", "title", "status", "detail", "instance", "ab", "1rule", "ru le", ""}) {
            assertThrows(IllegalArgumentException.class, () -> problem.withMember(name, "x"), name);
        }
    }
}
