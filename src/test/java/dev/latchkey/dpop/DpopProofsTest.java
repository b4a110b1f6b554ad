package dev.latchkey.dpop;

import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.cluster.ClusterSettings;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.http.HttpSettings;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.testsupport.StubRequest;
import dev.latchkey.testsupport.client.DpopKey;
import jakarta.servlet.http.HttpServletRequest;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy around Nimbus's proof verification, on a local replay cache and a request made of
 * the four things {@link DpopProofs} reads. Over HTTP: DpopIT and ClusterRevocationIT.
 */
class DpopProofsTest {

    private final DefaultCacheManager manager = new DefaultCacheManager();

    @AfterEach
    void stop() {
        manager.stop();
    }

    private DpopProofs proofs(Map<String, String> values) {
        return proofs(values, manager);
    }

    /** A checker with these settings, its replay cache a local cache of {@code manager}. */
    static DpopProofs proofs(Map<String, String> values, DefaultCacheManager manager) {
        Map<String, String> all = new HashMap<>(values);
        all.put(DpopSettings.NONCE_SECRET, Base64.getEncoder().encodeToString(new byte[] {
            9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2}));
        DpopSettings settings = DpopSettings.from(SettingsSource.of(all));
        if (manager.getCacheConfiguration("dpop-proofs") == null) {
            manager.defineConfiguration("dpop-proofs", new ConfigurationBuilder().build());
        }
        DpopProofs proofs = new DpopProofs();
        proofs.settings = settings;
        proofs.http = HttpSettings.defaults();
        proofs.replayCache = ProofReplayCache.on(manager.getCache("dpop-proofs"), settings, new ClusterCalls(ClusterSettings.defaults()));
        proofs.nonces = new DpopNonces();
        proofs.nonces.settings = settings;
        proofs.nonces.keySettings = KeySettings.defaults();
        proofs.nonces.clock = Clock.systemUTC();
        proofs.nonces.init();
        return proofs;
    }

    /** A POST to {@code path} with these DPoP headers, as the container hands it over. */
    private static HttpServletRequest post(String path, String... dpopHeaders) {
        StubRequest request = StubRequest.of("POST", path);
        for (String header : dpopHeaders) {
            request.header("DPoP", header);
        }
        return request.build();
    }

    private static void assertInvalidProof(Runnable check) {
        ProblemException refused = assertThrows(ProblemException.class, check::run);
        assertEquals(401, refused.problem().status());
        assertEquals("urn:latchkey:problem:invalid-dpop-proof", refused.problem().type());
    }

    @Test
    void aValidProofNamesItsKeyOnceAndOnlyOnce() {
        DpopProofs proofs = proofs(Map.of());
        DpopKey key = DpopKey.generate();
        String proof = key.proof("POST", "/auth/refresh");
        assertEquals(Optional.of(key.thumbprint()), proofs.keyOfTokenRequest(post("/auth/refresh", proof)));
        assertInvalidProof(() -> proofs.keyOfTokenRequest(post("/auth/refresh", proof)));
        assertEquals(Optional.empty(), proofs.keyOfTokenRequest(post("/auth/refresh")), "no proof, no key");
    }

    @Test
    void whenRequiredALoginWithoutAProofIsRefused() {
        DpopProofs proofs = proofs(Map.of(DpopSettings.REQUIRED, "true"));
        assertInvalidProof(() -> proofs.keyOfSessionStart(post("/auth/login")));
        DpopKey key = DpopKey.generate();
        assertEquals(Optional.of(key.thumbprint()), proofs.keyOfSessionStart(post("/auth/login", key.proof("POST", "/auth/login"))));
        assertEquals(Optional.empty(), proofs(Map.of()).keyOfSessionStart(post("/auth/login")), "optional by default");
    }

    @Test
    void anEdDsaProofIsRefusedAsInvalidNotAFailure() throws Exception {
        DpopProofs proofs = proofs(Map.of());
        JWK ed25519 = KeyMaterial.generate(JWSAlgorithm.EdDSA);
        SignedJWT proof = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("dpop+jwt"))
                .jwk(ed25519.toPublicJWK()).build(), DpopKey.claims("POST", "/auth/refresh", Instant.now()).build());
        proof.sign(KeyMaterial.toManagedKey(ed25519).signer());
        assertInvalidProof(() -> proofs.keyOfTokenRequest(post("/auth/refresh", proof.serialize())));
    }

    @Test
    void withNoncesAProofWithoutACurrentOneIsAskedToRetryWithIt() {
        DpopProofs proofs = proofs(Map.of(DpopSettings.NONCES, "true"));
        DpopKey key = DpopKey.generate();
        ProblemException challenge = assertThrows(ProblemException.class,
                () -> proofs.keyOfTokenRequest(post("/auth/login", key.proof("POST", "/auth/login"))));
        assertEquals(400, challenge.problem().status());
        assertEquals("urn:latchkey:problem:use-dpop-nonce", challenge.problem().type());
        String nonce = challenge.problem().headers().get("DPoP-Nonce");
        assertEquals(Optional.of(nonce), proofs.nonceToAnnounce());

        assertEquals(Optional.of(key.thumbprint()),
                proofs.keyOfTokenRequest(post("/auth/login", key.proof("POST", "/auth/login", null, nonce))));
        assertThrows(ProblemException.class,
                () -> proofs.keyOfTokenRequest(post("/auth/login", key.proof("POST", "/auth/login", null, "made-up"))));
        assertTrue(proofs(Map.of()).nonceToAnnounce().isEmpty(), "nonces off: nothing announced");
    }
}
