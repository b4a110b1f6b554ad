package dev.latchkey.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.testsupport.server.MovableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each test builds one token that differs from a valid one in exactly one way, so that it fails
 * only if that one check is missing ({@link #validTokenIsAccepted()} proves the baseline passes).
 */
class AccessTokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String ISSUER = "https://auth.example.test";
    private static final String AUDIENCE = "example-api";

    private static ManagedKey rsaKey;
    private static ManagedKey attackerKey;

    @BeforeAll
    static void keys() {
        rsaKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.RS256));
        attackerKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.RS256));
    }

    private static AccessTokenVerifier verifierFor(ManagedKey key) {
        return verifierFor(key, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static AccessTokenVerifier verifierFor(ManagedKey key, Clock clock) {
        TokenSettings settings = TokenSettings.from(SettingsSource.of(Map.of(
                TokenSettings.ISSUER, ISSUER,
                TokenSettings.AUDIENCE, AUDIENCE,
                TokenSettings.ACCESS_TTL_SECONDS, "900",
                TokenSettings.CLOCK_SKEW_SECONDS, "60")));
        AccessTokenVerifier verifier = new AccessTokenVerifier();
        verifier.keys = SigningKeys.of(key);
        verifier.settings = settings;
        verifier.clock = clock;
        verifier.metrics = Metrics.inMemory();
        verifier.init();
        return verifier;
    }

    private static JWTClaimsSet.Builder validClaims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("3f2c9a4e-1111-4222-8333-444455556666")
                .audience(AUDIENCE)
                .issueTime(Date.from(NOW.minusSeconds(10)))
                .notBeforeTime(Date.from(NOW.minusSeconds(10)))
                .expirationTime(Date.from(NOW.plusSeconds(890)))
                .jwtID("0123456789abcdefghijkl")
                .claim("sid", "0f0e0d0c-1111-4222-8333-444455556666")
                .claim("groups", List.of("user"));
    }

    private static JWSHeader.Builder validHeader(ManagedKey key) {
        return new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(JOSEObjectType.JWT);
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String validToken() throws Exception {
        return sign(validHeader(rsaKey).build(), validClaims().build(), rsaKey.signer());
    }

    private static String withClaims(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(validHeader(rsaKey).build(), change.apply(validClaims()).build(), rsaKey.signer());
    }

    private static void assertRejected(TokenRejectedException.Reason expected, String token) {
        TokenRejectedException rejection = assertThrows(TokenRejectedException.class,
                () -> verifierFor(rsaKey).verify(token));
        assertEquals(expected, rejection.reason());
    }

    private static void assertInvalid(String token) {
        assertRejected(TokenRejectedException.Reason.INVALID, token);
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void validTokenIsAccepted() throws Exception {
        VerifiedAccessToken verified = verifierFor(rsaKey).verify(validToken());
        assertEquals("3f2c9a4e-1111-4222-8333-444455556666", verified.subject());
        assertEquals(Set.of("user"), verified.groups());
    }

    @Test
    void validEs256TokenIsAcceptedWhenEs256IsConfigured() throws Exception {
        ManagedKey ecKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256));
        String token = sign(validHeader(ecKey).build(), validClaims().build(), ecKey.signer());
        assertEquals("0123456789abcdefghijkl", verifierFor(ecKey).verify(token).jti());
    }

    @Test
    void validEdDsaTokenIsAcceptedWithAnEd25519Key() throws Exception {
        ManagedKey edKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.EdDSA));
        String token = sign(validHeader(edKey).build(), validClaims().build(), edKey.signer());
        assertEquals(edKey.kid(), verifierFor(edKey).verify(token).keyId());
    }

    @Test
    void theVerifiedTokenNamesTheKeyThatSignedIt() throws Exception {
        assertEquals(rsaKey.kid(), verifierFor(rsaKey).verify(validToken()).keyId());
    }

    @Test
    void aKeyVerifiesOnlyTheAlgorithmItIsBoundTo() throws Exception {
        ManagedKey ecKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256));
        ManagedKey edKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.EdDSA));
        // Signed correctly by the EC key, but the header claims EdDSA under the EC key's kid.
        String token = sign(validHeader(edKey).keyID(ecKey.kid()).build(), validClaims().build(), edKey.signer());
        TokenRejectedException rejection = assertThrows(TokenRejectedException.class, () -> verifierFor(ecKey).verify(token));
        assertEquals(TokenRejectedException.Reason.INVALID, rejection.reason());
    }

    @Test
    void unsecuredAlgNoneIsRejected() {
        assertInvalid(new PlainJWT(validClaims().build()).serialize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void algNoneInAnySpellingIsRejectedWithAndWithoutSignature(String alg) throws Exception {
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + rsaKey.kid() + "\"}");
        String payload = validToken().split("\\.")[1];
        String realSignature = validToken().split("\\.")[2];
        assertInvalid(header + "." + payload + ".");
        assertInvalid(header + "." + payload + "." + realSignature);
    }

    @Test
    void strippedSignatureIsRejected() throws Exception {
        String[] parts = validToken().split("\\.");
        assertInvalid(parts[0] + "." + parts[1] + ".");
        assertInvalid(parts[0] + "." + parts[1]);
    }

    @Test
    void flippedSignatureByteIsRejected() throws Exception {
        String[] parts = validToken().split("\\.");
        byte[] signature = new Base64URL(parts[2]).decode();
        signature[signature.length / 2] ^= 0x01;
        assertInvalid(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature));
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRejected() throws Exception {
        byte[] publicKeyDer = ((RSAKey) rsaKey.publicJwk()).toRSAPublicKey().getEncoded();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsaKey.kid()).type(JOSEObjectType.JWT).build();
        assertInvalid(sign(header, validClaims().build(), new MACSigner(publicKeyDer)));
        byte[] publicJwkJson = rsaKey.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8);
        assertInvalid(sign(header, validClaims().build(), new MACSigner(publicJwkJson)));
    }

    @Test
    void unknownKidIsRejected() throws Exception {
        assertInvalid(sign(validHeader(rsaKey).keyID("no-such-key").build(), validClaims().build(), rsaKey.signer()));
        assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
                validClaims().build(), rsaKey.signer()));
    }

    @Test
    void embeddedAttackerJwkIsIgnored() throws Exception {
        JWSHeader ownKid = validHeader(rsaKey).jwk(attackerKey.publicJwk()).build();
        assertInvalid(sign(ownKid, validClaims().build(), attackerKey.signer()));
        JWSHeader attackerKid = validHeader(attackerKey).jwk(attackerKey.publicJwk())
                .jwkURL(java.net.URI.create("http://127.0.0.1:1/jwks.json")).build();
        assertInvalid(sign(attackerKid, validClaims().build(), attackerKey.signer()));
    }

    @Test
    void wrongTypIsRejected() throws Exception {
        assertInvalid(sign(validHeader(rsaKey).type(new JOSEObjectType("at+jwt")).build(), validClaims().build(), rsaKey.signer()));
    }

    @Test
    void expiredTokenIsRejectedAsExpired() throws Exception {
        assertRejected(TokenRejectedException.Reason.EXPIRED,
                withClaims(c -> c.expirationTime(Date.from(NOW.minusSeconds(61)))));
    }

    @Test
    void expiryWithinTheClockSkewIsAccepted() throws Exception {
        verifierFor(rsaKey).verify(withClaims(c -> c.expirationTime(Date.from(NOW.minusSeconds(30)))));
    }

    @Test
    void futureNotBeforeIsRejected() throws Exception {
        assertInvalid(withClaims(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120)))));
    }

    @Test
    void futureIssuedAtIsRejected() throws Exception {
        assertInvalid(withClaims(c -> c.issueTime(Date.from(NOW.plusSeconds(120)))));
    }

    @Test
    void wrongIssuerIsRejected() throws Exception {
        assertInvalid(withClaims(c -> c.issuer("https://evil.example.test")));
    }

    @Test
    void wrongAudienceIsRejected() throws Exception {
        assertInvalid(withClaims(c -> c.audience("another-api")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exp", "sub", "jti", "iss", "aud", "iat", "nbf", "sid"})
    void missingRequiredClaimIsRejected(String claim) throws Exception {
        assertInvalid(withClaims(c -> c.claim(claim, null)));
    }

    @Test
    void aDpopConfirmationNamesTheBoundKeyAndAnUnboundTokenHasNone() throws Exception {
        String thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
        assertEquals(Optional.of(thumbprint), verifierFor(rsaKey).verify(
                withClaims(c -> c.claim("cnf", Map.of("jkt", thumbprint)))).boundKey());
        assertEquals(Optional.empty(), verifierFor(rsaKey).verify(validToken()).boundKey());
    }

    /** Ignoring a confirmation it cannot read would turn a bound token into a bearer token. */
    @Test
    void aConfirmationOfAnyOtherShapeIsRejected() throws Exception {
        String thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
        assertInvalid(withClaims(c -> c.claim("cnf", thumbprint)));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of())));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of("jkt", 42))));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of("jkt", "too-short"))));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of("jkt", thumbprint.substring(1) + "="))));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of("jkt", thumbprint, "x5t#S256", thumbprint))));
        assertInvalid(withClaims(c -> c.claim("cnf", Map.of("x5t#S256", thumbprint))));
    }

    @Test
    void groupsOfTheWrongTypeAreRejected() throws Exception {
        assertInvalid(withClaims(c -> c.claim("groups", 42)));
    }

    @Test
    void unknownCriticalHeaderIsRejected() throws Exception {
        JWSHeader header = validHeader(rsaKey).criticalParams(Set.of("urn:example:must-understand"))
                .customParam("urn:example:must-understand", true).build();
        assertInvalid(sign(header, validClaims().build(), rsaKey.signer()));
    }

    @Test
    void nonCanonicalBase64IsRejected() throws Exception {
        String token = validToken();
        // A 256-byte RSA signature leaves 4 unused bits in its last base64 character; setting one
        // of them gives a different spelling of the same signature bytes.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char twin = alphabet.charAt(alphabet.indexOf(last) | 0x01);
        assertInvalid(token.substring(0, token.length() - 1) + twin);
        assertInvalid(token + "=");
    }

    @Test
    void jweShapedTokenIsRejectedUnparsed() {
        String header = b64("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2147483647,\"p2s\":\"AAAAAAAAAAA\"}");
        assertInvalid(header + ".AAAA.AAAA.AAAA.AAAA");
    }

    /** Signs exactly these bytes, for tokens no JSON library would write (duplicate names). */
    private static String signRaw(String headerJson, String payloadJson, ManagedKey key) throws Exception {
        String signingInput = b64(headerJson) + "." + b64(payloadJson);
        return signingInput + "." + key.signer().sign(new JWSHeader(key.algorithm()), signingInput.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void duplicateNamesAreRejectedEvenWhenGenuinelySigned() throws Exception {
        String header = validHeader(rsaKey).build().toString();
        String claims = validClaims().build().toString();
        verifierFor(rsaKey).verify(signRaw(header, claims, rsaKey));
        // Nimbus refuses duplicate member names at the top level of the header and the claims (its
        // JSON parser reads them into a map and fails on a second put); these pin that behaviour.
        assertInvalid(signRaw(header, "{\"sub\":\"someone-else\"," + claims.substring(1), rsaKey));
        assertInvalid(signRaw(header, claims.substring(0, claims.length() - 1) + ",\"groups\":[\"admin\"]}", rsaKey));
        assertInvalid(signRaw(header, claims.substring(0, claims.length() - 1)
                + ",\"exp\":" + NOW.plusSeconds(86_400).getEpochSecond() + "}", rsaKey));
        assertInvalid(signRaw("{\"alg\":\"none\"," + header.substring(1), claims, rsaKey));
        assertInvalid(signRaw(header.substring(0, header.length() - 1) + ",\"kid\":\"other\"}", claims, rsaKey));
    }

    @Test
    void headerParametersWeNeverIssueAreRejected() throws Exception {
        String claims = validClaims().build().toString();
        String header = validHeader(rsaKey).build().toString();
        String withoutBrace = header.substring(0, header.length() - 1);
        for (String extra : new String[] {"\"crit\":[]", "\"b64\":true", "\"cty\":\"JWT\"", "\"x5c\":[]",
            "\"x5t#S256\":\"AAAA\"", "\"zip\":\"DEF\"", "\"urn:example:anything\":1"}) {
            assertInvalid(signRaw(withoutBrace + "," + extra + "}", claims, rsaKey));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "jti", "sid", "iss"})
    void identifierClaimsThatAreNotStringsAreRejected(String claim) throws Exception {
        assertInvalid(withClaims(c -> c.claim(claim, 42)));
    }

    /** CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify, in either encoding. */
    @Test
    void psychicSignatureIsRefusedByAnEs256Key() throws Exception {
        ManagedKey ecKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256));
        String[] parts = sign(validHeader(ecKey).build(), validClaims().build(), ecKey.signer()).split("\\.");
        String joseZeros = Base64URL.encode(new byte[64]).toString();
        String derZeros = Base64URL.encode(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}).toString();
        for (String signature : new String[] {joseZeros, derZeros}) {
            TokenRejectedException rejection = assertThrows(TokenRejectedException.class,
                    () -> verifierFor(ecKey).verify(parts[0] + "." + parts[1] + "." + signature));
            assertEquals(TokenRejectedException.Reason.INVALID, rejection.reason());
        }
    }

    /**
     * ECDSA signatures are malleable: if (r, s) verifies, so does (r, n - s), so anyone holding an
     * ES256 token can spell a second, different token string that verifies too. The JDK accepts
     * both, and so do MicroProfile JWT consumers; refusing "high" s would refuse about half of the
     * tokens the JDK's own signer makes. The defence is therefore that nothing keys on a token's
     * spelling: revocation keys on jti, sid and sub, which sit inside the signed payload and are
     * identical in the twin. The verifier yields the very same facts for both, and the revocation
     * list, a function of those facts, gives both the same answer: revoke one, and both are dead.
     */
    @Test
    void malleatedEcdsaTwinIsTheSameTokenToTheRevocationList() throws Exception {
        ManagedKey ecKey = KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256));
        String token = sign(validHeader(ecKey).build(), validClaims().build(), ecKey.signer());
        String[] parts = token.split("\\.");
        byte[] signature = new Base64URL(parts[2]).decode();
        java.math.BigInteger n = com.nimbusds.jose.jwk.Curve.P_256.toECParameterSpec().getOrder();
        java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
        byte[] malleatedS = n.subtract(s).toByteArray();
        byte[] twinSignature = java.util.Arrays.copyOf(signature, 64);
        java.util.Arrays.fill(twinSignature, 32, 64, (byte) 0);
        int length = Math.min(malleatedS.length, 32);
        System.arraycopy(malleatedS, malleatedS.length - length, twinSignature, 64 - length, length);
        String twin = parts[0] + "." + parts[1] + "." + Base64URL.encode(twinSignature);
        assertNotEquals(token, twin, "a different token string");

        AccessTokenVerifier verifier = verifierFor(ecKey);
        VerifiedAccessToken original = verifier.verify(token);
        try {
            assertEquals(original, verifier.verify(twin), "the twin is the same token: same jti, sid, sub, iat");
        } catch (TokenRejectedException refused) {
            // Refusing the twin outright is just as safe (a future JDK may insist on low s).
            assertEquals(TokenRejectedException.Reason.INVALID, refused.reason());
        }
    }

    @Test
    void oversizedTokensAreRejected() throws Exception {
        assertInvalid(validToken() + "A".repeat(9000));
        assertInvalid(".".repeat(10_000));
        assertInvalid("");
    }

    // The verified-token cache: a remembered answer is never more lenient than a fresh one.

    @Test
    void aRememberedTokenIsStillRefusedOnceItExpires() throws Exception {
        MovableClock clock = MovableClock.at(NOW);
        AccessTokenVerifier verifier = verifierFor(rsaKey, clock);
        String token = validToken();
        verifier.verify(token);
        assertEquals("0123456789abcdefghijkl", verifier.verify(token).jti());

        clock.advance(Duration.ofSeconds(890 + 61));

        TokenRejectedException rejection = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertEquals(TokenRejectedException.Reason.EXPIRED, rejection.reason());
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsKeyIsNoLongerTrusted() throws Exception {
        AccessTokenVerifier verifier = verifierFor(rsaKey);
        String token = validToken();
        verifier.verify(token);

        verifier.keys = SigningKeys.of(attackerKey);

        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    }

    @Test
    void rememberingATokenDoesNotVouchForAnyAlteredCopyOfIt() throws Exception {
        AccessTokenVerifier verifier = verifierFor(rsaKey);
        String token = validToken();
        verifier.verify(token);
        char last = token.charAt(token.length() - 2);
        String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);

        assertThrows(TokenRejectedException.class, () -> verifier.verify(altered));
        assertEquals("0123456789abcdefghijkl", verifier.verify(token).jti());
    }

    @Test
    void aRefusedTokenIsRefusedAgainNotRemembered() throws Exception {
        AccessTokenVerifier verifier = verifierFor(rsaKey);
        String forged = sign(validHeader(rsaKey).build(), validClaims().build(), attackerKey.signer());

        assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
    }
}
