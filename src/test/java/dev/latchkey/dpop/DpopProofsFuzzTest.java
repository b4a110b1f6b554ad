package dev.latchkey.dpop;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.testsupport.FuzzBudget;
import dev.latchkey.testsupport.StubRequest;
import dev.latchkey.testsupport.client.DpopKey;
import org.infinispan.manager.DefaultCacheManager;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testsupport.FuzzBudget.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DPoP proof parsing and checking on any header values, and on genuine proofs changed anywhere:
 * refused with a 4xx problem and nothing else escapes; a changed proof is accepted only when it
 * decodes to the very bytes of the genuine one.
 */
class DpopProofsFuzzTest {

    private static final DpopProofs PROOFS = DpopProofsTest.proofs(Map.of(), new DefaultCacheManager());
    private static final DpopKey KEY = DpopKey.generate();

    private static List<String> decodedParts(String compact) {
        return Arrays.stream(compact.split("\\.", -1)).map(part -> Arrays.toString(new Base64URL(part).decode())).toList();
    }

    @FuzzTest(maxDuration = "60s")
    void madeUpAndChangedProofsAreRefusedWithAProblem(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            changedProof(data);
            return;
        }
        StubRequest request = StubRequest.of("POST", "/auth/refresh");
        for (int i = data.consumeInt(0, 2); i > 0; i--) {
            request.header("DPoP", data.consumeString(2000));
        }
        FuzzBudget.timed(() -> {
            try {
                PROOFS.keyOfTokenRequest(request.build());
            } catch (ProblemException refused) {
                assertClientError(refused);
            }
        });
    }

    /** A genuine proof changed anywhere is refused, unless it is another spelling of the same bytes. */
    private static void changedProof(FuzzedDataProvider data) {
        String genuine = KEY.proof("POST", "/auth/refresh");
        char[] proof = genuine.toCharArray();
        for (int i = data.consumeInt(1, 3); i > 0; i--) {
            proof[data.consumeInt(0, proof.length - 1)] = data.consumeChar();
        }
        String changed = new String(proof);
        if (changed.equals(genuine)) {
            return;
        }
        FuzzBudget.timed(() -> {
            try {
                assertEquals(KEY.thumbprint(), PROOFS.keyOfTokenRequest(StubRequest.of("POST", "/auth/refresh")
                        .header("DPoP", changed).build()).orElseThrow());
                // Accepted: then it can only be another spelling of the same bytes (base64's unused
                // low bits in a last character), the same proof with the same jti, used once.
                assertEquals(decodedParts(genuine), decodedParts(changed), "a changed proof was accepted: " + changed);
            } catch (ProblemException refused) {
                assertClientError(refused);
            }
        });
    }
}
