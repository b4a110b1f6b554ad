package dev.latchkey.crypto;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyMaterialTest {

    /** RFC 8037, appendix A.1, A.4 and A.5: the Ed25519 key, and the JWS it must produce. */
    private static final String RFC8037_PRIVATE_JWK = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
            + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
            + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":\"rfc8037\",\"alg\":\"EdDSA\"}";
    private static final String RFC8037_JWS = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
            + "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    @Test
    void ed25519SignsExactlyAsRfc8037Says() throws Exception {
        ManagedKey key = KeyMaterial.toManagedKey(JWK.parse(RFC8037_PRIVATE_JWK));
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.EdDSA), new Payload("Example of Ed25519 signing"));
        jws.sign(key.signer());
        assertEquals(RFC8037_JWS, jws.serialize());
        assertTrue(JWSObject.parse(RFC8037_JWS).verify(key.verifier()));
    }

    @Test
    void ed25519RefusesAlteredContentAndForeignSignatures() throws Exception {
        ManagedKey key = KeyMaterial.toManagedKey(JWK.parse(RFC8037_PRIVATE_JWK));
        String[] parts = RFC8037_JWS.split("\\.");
        String alteredPayload = parts[0] + "." + Base64URL.encode("Example of Ed25519 signinG") + "." + parts[2];
        assertFalse(JWSObject.parse(alteredPayload).verify(key.verifier()));
        ManagedKey other = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.EdDSA));
        assertFalse(JWSObject.parse(RFC8037_JWS).verify(other.verifier()));
        String truncatedSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40);
        assertFalse(JWSObject.parse(truncatedSignature).verify(key.verifier()));
    }

    @Test
    void generatedEd25519KeysSignAndPublishOnlyTheirPublicHalf() throws Exception {
        JWK generated = KeyMaterial.generate(JWSAlgorithm.EdDSA);
        ManagedKey key = KeyMaterial.toManagedKey(generated);
        assertEquals(JWSAlgorithm.EdDSA, key.algorithm());
        assertEquals(generated.computeThumbprint().toString(), key.kid());
        OctetKeyPair published = (OctetKeyPair) key.publicJwk();
        assertNull(published.getD());
        assertFalse(published.toJSONString().contains("\"d\""));

        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(key.kid()).type(JOSEObjectType.JWT).build(),
                new Payload("{}"));
        jws.sign(key.signer());
        assertTrue(JWSObject.parse(jws.serialize()).verify(KeyMaterial.toManagedKey(generated).verifier()));
    }

    @Test
    void eachAlgorithmGeneratesAKeyBoundToIt() {
        for (JWSAlgorithm algorithm : KeyMaterial.SUPPORTED_ALGORITHMS) {
            ManagedKey key = KeyMaterial.toManagedKey(KeyMaterial.generate(algorithm));
            assertEquals(algorithm, key.algorithm());
        }
        RSAKey rsa3072 = (RSAKey) KeyMaterial.generate(JWSAlgorithm.RS256, 3072);
        assertEquals(3072, rsa3072.size());
        assertThrows(IllegalStateException.class, () -> KeyMaterial.generate(JWSAlgorithm.RS256, 1024));
    }

    @Test
    void weakOrMismatchedKeysAreRefused() throws Exception {
        RSAKey weak = new RSAKeyGenerator(1024, true).algorithm(JWSAlgorithm.RS256).keyIDFromThumbprint(true).generate();
        assertThrows(IllegalStateException.class, () -> KeyMaterial.toManagedKey(weak));
        JWK ecKeyClaimingRs256 = JWK.parse(KeyMaterial.generate(JWSAlgorithm.ES256).toJSONString().replace("ES256", "RS256"));
        assertThrows(IllegalStateException.class, () -> KeyMaterial.toManagedKey(ecKeyClaimingRs256));
        assertThrows(IllegalStateException.class, () -> KeyMaterial.parseAlgorithm("HS256"));
        assertThrows(IllegalStateException.class, () -> KeyMaterial.parseAlgorithm("none"));
    }

    // ES256 runs on the native provider where it loads; tokens must not care which side signed.

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void es256UsesTheNativeProviderOnLinuxX64() {
        assertTrue(EcdsaProvider.get().isPresent(), "ACCP should load on linux-x86_64");
    }

    @Test
    void es256SignaturesVerifyAcrossTheNativeAndTheJdkProvider() throws Exception {
        JWK jwk = KeyMaterial.generate(JWSAlgorithm.ES256);
        ManagedKey key = KeyMaterial.toManagedKey(jwk);
        ECKey ec = jwk.toECKey();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid()).type(JOSEObjectType.JWT).build();

        JWSObject byManagedKey = new JWSObject(header, new Payload("{\"sub\":\"a\"}"));
        byManagedKey.sign(key.signer());
        assertTrue(JWSObject.parse(byManagedKey.serialize()).verify(new ECDSAVerifier(ec.toECPublicKey())),
                "the JDK's ECDSA accepts what the managed key signed");

        JWSObject byJdk = new JWSObject(header, new Payload("{\"sub\":\"b\"}"));
        byJdk.sign(new ECDSASigner(ec));
        assertTrue(JWSObject.parse(byJdk.serialize()).verify(key.verifier()), "the managed key accepts the JDK's signature");

        String tampered = byJdk.serialize().replace(byJdk.getPayload().toBase64URL().toString(),
                new Payload("{\"sub\":\"c\"}").toBase64URL().toString());
        assertFalse(JWSObject.parse(tampered).verify(key.verifier()), "and refuses a changed payload");
    }
}
