package dev.latchkey.token;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static dev.latchkey.testsupport.client.Timing.assertAnsweredFast;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JWT attack catalogue of issue 5, fired over real HTTP at the protected resource
 * ({@code GET /api/me}, bearer header) and at the refresh endpoint ({@code POST /auth/refresh},
 * the attack token as the refresh cookie, with a valid CSRF cookie and header of a real session so
 * that the CSRF check is not what refuses it). Every attack must get the one generic problem of
 * its endpoint, byte for byte, and never a 500.
 *
 * <p>Attacks on the claims need a genuine signature, or the signature check would refuse them
 * before the check under test runs: those tokens are signed with the server's own key through the
 * test-only {@code /test-support/sign} endpoint ({@link dev.latchkey.testsupport.server.InsiderSigningResource}),
 * and {@link #insiderSigningReproducesAGenuineToken()} proves that such a token is otherwise accepted.
 *
 * <p>The server signs RS256 by default. Attacks that only exist for ES256 (the psychic signature
 * r = s = 0 against an ES256 key, and ECDSA malleability) are sent here against the RS256
 * deployment and are covered for ES256-configured deployments by {@link AccessTokenVerifierTest}.
 */
class JwtAttackIT extends DeployedLatchkeyTest {

    private static final String EXPIRED_ACCESS_PROBLEM =
            "{\"type\":\"urn:latchkey:problem:invalid-token\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"The access token has expired.\"}";

    /** A real session: its access token is the template of every forgery, and its CSRF pair goes with every refresh attack. */
    private BrowserSession victim;
    private String[] genuineParts;
    private JsonObject genuineHeader;
    private JsonObject genuineClaims;
    private String genericAccessProblem;
    private String genericRefreshProblem;

    @BeforeEach
    void realSessionAndTheGenericProblems() {
        victim = BrowserSession.loggedIn(http, registered(), PASSWORD);
        genuineParts = victim.accessToken().split("\\.");
        genuineHeader = jsonOf(genuineParts[0]);
        genuineClaims = jsonOf(genuineParts[1]);
        genericAccessProblem = http.getWithBearer("/api/me", "not-a-jwt").body();
        genericRefreshProblem = victim.refreshWith("not-a-refresh-token").body();
        assertTrue(genericAccessProblem.contains("\"status\":401") && genericAccessProblem.contains("invalid-token"));
        assertTrue(genericRefreshProblem.contains("\"status\":401") && genericRefreshProblem.contains("invalid-refresh-token"));
    }

    @Test
    void insiderSigningReproducesAGenuineToken() {
        String resigned = insiderSigned(genuineHeader.toString(), genuineClaims.toString());
        assertEquals(200, http.getWithBearer("/api/me", resigned).statusCode(),
                "the baseline: a token signed this way with unchanged claims is accepted");
    }

    @Test
    void unsignedStrippedAndTamperedSignaturesAreRefused() {
        Map<String, String> attacks = new LinkedHashMap<>();
        for (String none : new String[] {"none", "None", "NONE", "nOnE"}) {
            String header = b64(header(h -> h.add("alg", none)));
            attacks.put("alg " + none + " without signature", header + "." + genuineParts[1] + ".");
            attacks.put("alg " + none + " with the genuine signature", header + "." + genuineParts[1] + "." + genuineParts[2]);
            attacks.put("alg " + none + " without kid", b64(header(h -> h.add("alg", none).remove("kid"))) + "." + genuineParts[1] + ".");
        }
        attacks.put("signature stripped", genuineParts[0] + "." + genuineParts[1]);
        attacks.put("empty signature segment", genuineParts[0] + "." + genuineParts[1] + ".");
        byte[] signature = new Base64URL(genuineParts[2]).decode();
        signature[signature.length / 2] ^= 0x01;
        attacks.put("flipped signature byte", genuineParts[0] + "." + genuineParts[1] + "." + Base64URL.encode(signature));
        attacks.put("signature of another payload", genuineParts[0] + "." + b64(claims(c -> c.add("groups",
                Json.createArrayBuilder().add("user").add("admin")))) + "." + genuineParts[2]);
        attacks.put("empty payload", genuineParts[0] + ".." + genuineParts[2]);
        attacks.put("only dots", "..");
        attacks.put("four segments", victim.accessToken() + "." + genuineParts[2]);
        assertAllRefused(attacks);
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        String jwks = http.get("/.well-known/jwks.json").body();
        RSAKey publicJwk = (RSAKey) JWKSet.parse(jwks).getKeys().get(0);
        byte[] der = publicJwk.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        secrets.put("PEM without final newline", pem.strip().getBytes(StandardCharsets.US_ASCII));
        secrets.put("DER", der);
        secrets.put("JWK", publicJwk.toJSONString().getBytes(StandardCharsets.UTF_8));
        secrets.put("JWKS document as served", jwks.getBytes(StandardCharsets.UTF_8));
        Map<String, String> attacks = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            for (JWSAlgorithm hmac : new JWSAlgorithm[] {JWSAlgorithm.HS256, JWSAlgorithm.HS512}) {
                JWSHeader header = new JWSHeader.Builder(hmac).type(JOSEObjectType.JWT).keyID(publicJwk.getKeyID()).build();
                attacks.put(hmac + " keyed with the public key as " + secret.getKey(),
                        signed(header, new MACSigner(secret.getValue())));
            }
        }
        assertAllRefused(attacks);
    }

    /**
     * CVE-2022-21449: r = s = 0 passes an unpatched JDK's ECDSA check for any message. This
     * deployment signs RS256, so an ES256 header is refused for naming the wrong algorithm for the
     * key; {@code AccessTokenVerifierTest.psychicSignatureIsRefusedByAnEs256Key} covers ES256 keys.
     */
    @Test
    void psychicEcdsaSignatureIsRefused() {
        String header = b64(header(h -> h.add("alg", "ES256")));
        String withoutKid = b64(header(h -> h.add("alg", "ES256").remove("kid")));
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("ES256 r=s=0, JOSE form", header + "." + genuineParts[1] + "." + Base64URL.encode(new byte[64]));
        attacks.put("ES256 r=s=0, DER form", header + "." + genuineParts[1] + "." + Base64URL.encode(derZeroSignature()));
        attacks.put("ES256 r=s=0 without kid", withoutKid + "." + genuineParts[1] + "." + Base64URL.encode(new byte[64]));
        assertAllRefused(attacks);
    }

    @Test
    void keysAndKeyUrlsNamedInTheTokenAreNeitherFetchedNorUsed() throws Exception {
        RSAKey attackerRsa = new RSAKeyGenerator(2048).keyID("attacker-rsa").generate();
        ECKey attackerEc = new ECKeyGenerator(Curve.P_256).keyID("attacker-ec").generate();
        AtomicInteger requestsSeen = new AtomicInteger();
        HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] attackerJwks = new JWKSet(List.of(attackerRsa.toPublicJWK(), attackerEc.toPublicJWK())).toString()
                .getBytes(StandardCharsets.UTF_8);
        listener.createContext("/", exchange -> {
            requestsSeen.incrementAndGet();
            exchange.sendResponseHeaders(200, attackerJwks.length);
            exchange.getResponseBody().write(attackerJwks);
            exchange.close();
        });
        listener.start();
        try {
            URI jwksUrl = URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/jwks.json");
            URI certUrl = URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/cert.pem");
            // The listener works: this request is seen, so a silent listener later means no request was made.
            assertEquals(200, http.send(HttpRequest.newBuilder(jwksUrl).GET()).statusCode());
            assertEquals(1, requestsSeen.getAndSet(0));

            String realKid = genuineHeader.getString("kid");
            RSASSASigner rsa = new RSASSASigner(attackerRsa);
            ECDSASigner ec = new ECDSASigner(attackerEc);
            Map<String, String> attacks = new LinkedHashMap<>();
            attacks.put("jku to the attacker's JWKS", signed(rs256("attacker-rsa").jwkURL(jwksUrl).build(), rsa));
            attacks.put("jku with the server's kid", signed(rs256(realKid).jwkURL(jwksUrl).build(), rsa));
            attacks.put("x5u to the attacker's certificate", signed(rs256("attacker-rsa").x509CertURL(certUrl).build(), rsa));
            attacks.put("x5u with the server's kid", signed(rs256(realKid).x509CertURL(certUrl).build(), rsa));
            attacks.put("embedded jwk", signed(rs256("attacker-rsa").jwk(attackerRsa.toPublicJWK()).build(), rsa));
            attacks.put("embedded jwk with the server's kid", signed(rs256(realKid).jwk(attackerRsa.toPublicJWK()).build(), rsa));
            attacks.put("embedded jwk without kid", signed(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .jwk(attackerRsa.toPublicJWK()).build(), rsa));
            attacks.put("embedded EC jwk, ES256", signed(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                    .keyID("attacker-ec").jwk(attackerEc.toPublicJWK()).build(), ec));
            attacks.put("jku, x5u and jwk at once", signed(rs256("attacker-rsa").jwkURL(jwksUrl).x509CertURL(certUrl)
                    .jwk(attackerRsa.toPublicJWK()).build(), rsa));
            assertAllRefused(attacks);

            Thread.sleep(500);
            assertEquals(0, requestsSeen.get(), "the server fetched a key or certificate from a URL in a token");
        } finally {
            listener.stop(0);
        }
    }

    @Test
    void kidInjectionIsRefused() throws Exception {
        Map<String, String> attacks = new LinkedHashMap<>();
        String[] kids = {"../../../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "/dev/null", "file:///dev/null",
            "' OR '1'='1", "x'; DROP TABLE user_account; --", "1 UNION SELECT password_hash FROM user_account",
            "unknown-key", "", " " + genuineHeader.getString("kid"), genuineHeader.getString("kid").toUpperCase(java.util.Locale.ROOT),
            "k".repeat(2000), "${jndi:ldap://127.0.0.1/a}"};
        for (String kid : kids) {
            // Signed by the server's real key: only the kid is wrong.
            attacks.put("kid " + abbreviate(kid), insiderSigned(header(h -> h.add("kid", kid)), genuineClaims.toString()));
        }
        attacks.put("no kid", insiderSigned(header(h -> h.remove("kid")), genuineClaims.toString()));
        attacks.put("kid of the wrong type", insiderSigned(header(h -> h.add("kid", 42)), genuineClaims.toString()));
        // The classic: a kid naming an empty file, and an HMAC keyed with its (empty) contents.
        String devNull = b64(header(h -> h.add("alg", "HS256").add("kid", "/dev/null"))) + "." + genuineParts[1];
        attacks.put("kid /dev/null with HS256 and a zero key", devNull + "." + hmacSha256(new byte[32], devNull));
        assertAllRefused(attacks);
    }

    @Test
    void claimsOutsideTheRulesAreRefusedDespiteAGenuineSignature() {
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("not yet valid", resigned(c -> c.add("nbf", now + 3600)));
        attacks.put("issued in the future", resigned(c -> c.add("iat", now + 3600)));
        for (String claim : new String[] {"exp", "sub", "jti", "iss", "aud", "iat", "nbf", "sid"}) {
            attacks.put("missing " + claim, resigned(c -> c.remove(claim)));
        }
        attacks.put("wrong iss", resigned(c -> c.add("iss", "https://evil.example.test")));
        attacks.put("iss with a trailing slash", resigned(c -> c.add("iss", genuineClaims.getString("iss") + "/")));
        attacks.put("wrong aud", resigned(c -> c.add("aud", "another-api")));
        attacks.put("exp as a string", resigned(c -> c.add("exp", String.valueOf(now + 600))));
        attacks.put("sub as a number", resigned(c -> c.add("sub", 42)));
        attacks.put("groups as a string", resigned(c -> c.add("groups", "admin")));
        attacks.put("payload not an object", insiderSigned(genuineHeader.toString(), "[1,2,3]"));
        attacks.put("payload not JSON", insiderSigned(genuineHeader.toString(), "not json"));
        attacks.put("typ other than JWT", insiderSigned(header(h -> h.add("typ", "at+jwt")), genuineClaims.toString()));
        attacks.put("no typ", insiderSigned(header(h -> h.remove("typ")), genuineClaims.toString()));
        assertAllRefused(attacks);

        // A genuinely signed, expired token gets the "expired" variant of the problem: it can only
        // be told apart by someone holding a token with our real signature, who can read its exp.
        String expired = resigned(c -> c.add("exp", now - 3600).add("iat", now - 4500).add("nbf", now - 4500));
        assertAll(
                () -> assertEquals(EXPIRED_ACCESS_PROBLEM, http.getWithBearer("/api/me", expired).body(), "expired at /api/me"),
                () -> assertRefusedAtRefresh("expired", expired));
    }

    @Test
    void unknownCriticalHeadersAndDuplicateNamesAreRefused() {
        String kid = genuineHeader.getString("kid");
        String claims = genuineClaims.toString();
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("unknown crit", insiderSigned(header(h -> h.add("crit", Json.createArrayBuilder().add("urn:example:must"))
                .add("urn:example:must", true)), claims));
        attacks.put("crit naming an absent parameter", insiderSigned(header(h -> h.add("crit",
                Json.createArrayBuilder().add("urn:example:absent"))), claims));
        attacks.put("crit empty", insiderSigned(header(h -> h.add("crit", Json.createArrayBuilder())), claims));
        // Duplicate names, hand-built (no JSON library writes them), signed with the real key: a
        // parser that took the first value and one that took the last would disagree on the token.
        attacks.put("duplicate sub", insiderSigned(genuineHeader.toString(),
                "{\"sub\":\"someone-else\"," + claims.substring(1)));
        attacks.put("duplicate exp", insiderSigned(genuineHeader.toString(),
                claims.substring(0, claims.length() - 1) + ",\"exp\":" + (System.currentTimeMillis() / 1000 + 86_400) + "}"));
        attacks.put("duplicate groups", insiderSigned(genuineHeader.toString(),
                claims.substring(0, claims.length() - 1) + ",\"groups\":[\"admin\"]}"));
        attacks.put("duplicate alg", insiderSigned("{\"alg\":\"none\",\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}", claims));
        attacks.put("duplicate kid", insiderSigned("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"unknown\",\"kid\":\"" + kid + "\"}", claims));
        assertAllRefused(attacks);
    }

    @Test
    void nonCanonicalBase64IsRefused() {
        Map<String, String> attacks = new LinkedHashMap<>();
        String token = victim.accessToken();
        attacks.put("unused bits set in the signature", genuineParts[0] + "." + genuineParts[1] + "." + twinOf(genuineParts[2]));
        attacks.put("padded signature", token + "=");
        attacks.put("padded signature, two", token + "==");
        // Spelled differently, but signed by the real key over exactly that spelling: only the
        // encoding is wrong.
        String claims = padToNonCanonicalLength(genuineClaims);
        String payload = b64(claims);
        attacks.put("unused bits set in the payload, genuinely signed", insiderSignedSegments(genuineParts[0], twinOf(payload)));
        attacks.put("padded payload, genuinely signed", insiderSignedSegments(genuineParts[0], payload + "="));
        attacks.put("standard base64 alphabet, genuinely signed", insiderSignedSegments(genuineParts[0], standardAlphabetOf(genuineClaims)));
        attacks.put("space inside", genuineParts[0] + "." + genuineParts[1] + " ." + genuineParts[2]);
        attacks.put("percent-encoded dot", genuineParts[0] + "%2E" + genuineParts[1] + "." + genuineParts[2]);
        assertAllRefused(attacks);
    }

    @Test
    void tokensOfTheOtherKindAreRefused() {
        assertAll(
                () -> assertRefusedAtMe("refresh token as bearer token", victim.refreshToken()),
                () -> assertRefusedAtRefresh("access token as refresh cookie", victim.accessToken()));
        assertEquals(200, victim.me().statusCode());
        assertEquals(200, victim.refresh().statusCode(), "the victim's real session is unharmed");
    }

    @Test
    void oversizedTokensAreRefusedFast() {
        String sixteenKiB = genuineParts[0] + "." + "A".repeat(16 * 1024 - genuineParts[0].length() - genuineParts[2].length() - 2)
                + "." + genuineParts[2];
        assertEquals(16 * 1024, sixteenKiB.length());
        String tenThousandDots = ".".repeat(10_000);
        String jwe = b64("{\"alg\":\"PBES2-HS512+A256KW\",\"enc\":\"A256GCM\",\"p2c\":2147483647,\"p2s\":\"c2FsdHNhbHRzYWx0c2FsdA\"}")
                + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
        assertAll(
                () -> assertEquals(genericAccessProblem, assertAnsweredFast("16 KiB at /api/me",
                        () -> http.getWithBearer("/api/me", sixteenKiB)).body()),
                () -> assertEquals(genericAccessProblem, assertAnsweredFast("10,000 dots at /api/me",
                        () -> http.getWithBearer("/api/me", tenThousandDots)).body()),
                () -> assertEquals(genericAccessProblem, assertAnsweredFast("PBES2 JWE at /api/me",
                        () -> http.getWithBearer("/api/me", jwe)).body()),
                () -> assertEquals(genericRefreshProblem, assertAnsweredFast("PBES2 JWE at /auth/refresh",
                        () -> victim.refreshWith(jwe)).body()),
                // A cookie header over 8 KiB is refused before anything reads a cookie: by its size,
                // which the sender chose and so learns nothing from (431, see BadInputIT).
                () -> Http.assertProblem(assertAnsweredFast("16 KiB at /auth/refresh",
                        () -> victim.refreshWith(sixteenKiB)), 431),
                () -> Http.assertProblem(assertAnsweredFast("10,000 dots at /auth/refresh",
                        () -> victim.refreshWith(tenThousandDots)), 431));
    }

    /**
     * Logout revokes the token's jti (and its session); the token is dead from then on. ECDSA
     * signatures are malleable (s and n - s both verify), so an ES256 token has a twin with other
     * signature bytes: the revocation list keys on the jti inside the signed payload, which the twin
     * shares, and {@code AccessTokenVerifierTest.malleatedEcdsaTwinIsTheSameTokenToTheRevocationList}
     * proves it. RSA PKCS#1 v1.5 signatures, which this deployment uses, are deterministic: the
     * nearest thing to a twin, the signature plus the modulus, is no valid signature at all.
     */
    @Test
    void aRevokedTokenStaysRevoked() throws Exception {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String accessToken = session.accessToken();
        String refreshToken = session.refreshToken();
        assertEquals(200, session.me().statusCode());
        assertEquals(204, http.send(http.request("/auth/logout").header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());

        String[] parts = accessToken.split("\\.");
        BigInteger modulus = ((RSAPublicKey) ((RSAKey) JWKSet.parse(http.get("/.well-known/jwks.json").body())
                .getKeys().get(0)).toRSAPublicKey()).getModulus();
        byte[] plusModulus = new BigInteger(1, new Base64URL(parts[2]).decode()).add(modulus).toByteArray();
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("revoked token replayed", accessToken);
        attacks.put("revoked token, signature plus modulus", parts[0] + "." + parts[1] + "." + Base64URL.encode(stripSignByte(plusModulus)));
        assertAllRefused(attacks);
        // With the session's own CSRF pair: what refuses it is the logout, not the CSRF check.
        HttpResponse<String> refresh = session.refreshWith(refreshToken);
        assertEquals(401, refresh.statusCode(), refresh.body());
        assertEquals(genericRefreshProblem, refresh.body());
    }

    // --- assertions -------------------------------------------------------------------------

    private void assertAllRefused(Map<String, String> attacks) {
        List<Executable> checks = new ArrayList<>();
        attacks.forEach((name, token) -> {
            checks.add(() -> assertRefusedAtMe(name, token));
            checks.add(() -> assertRefusedAtRefresh(name, token));
        });
        assertAll(checks);
        assertEquals(200, victim.me().statusCode(), "the victim's genuine token still works: refusals are specific");
    }

    private void assertRefusedAtMe(String attack, String token) {
        HttpResponse<String> response = http.getWithBearer("/api/me", token);
        assertEquals(401, response.statusCode(), attack + " at /api/me: " + response.body());
        assertEquals(genericAccessProblem, response.body(), attack + " at /api/me");
    }

    private void assertRefusedAtRefresh(String attack, String token) {
        HttpResponse<String> response = victim.refreshWith(token);
        assertEquals(401, response.statusCode(), attack + " at /auth/refresh: " + response.body());
        assertEquals(genericRefreshProblem, response.body(), attack + " at /auth/refresh");
    }

    // --- building tokens ----------------------------------------------------------------------

    private String header(UnaryOperator<JsonObjectBuilder> change) {
        return change.apply(Json.createObjectBuilder(genuineHeader)).build().toString();
    }

    private String claims(UnaryOperator<JsonObjectBuilder> change) {
        return change.apply(Json.createObjectBuilder(genuineClaims)).build().toString();
    }

    /** The genuine header and changed claims, signed with the server's key. */
    private String resigned(UnaryOperator<JsonObjectBuilder> change) {
        return insiderSigned(genuineHeader.toString(), claims(change));
    }

    private String insiderSigned(String headerJson, String payloadJson) {
        return insiderSignedSegments(b64(headerJson), b64(payloadJson));
    }

    private String insiderSignedSegments(String headerSegment, String payloadSegment) {
        return http.signedByServer(headerSegment, payloadSegment);
    }

    private static JWSHeader.Builder rs256(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid);
    }

    /** The genuine claims under an attacker's header, signed by the attacker. */
    private String signed(JWSHeader header, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(genuineClaims.toString()));
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hmacSha256(byte[] key, String signingInput) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII))).toString();
    }

    /** SEQUENCE { INTEGER 0, INTEGER 0 }. */
    private static byte[] derZeroSignature() {
        return new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
    }

    /**
     * The same bytes spelled differently: the last character of a segment whose length is not a
     * multiple of 4 carries unused low bits, and setting one changes the text, not the bytes.
     */
    private static String twinOf(String segment) {
        int unusedBits = switch (segment.length() % 4) {
            case 2 -> 4;
            case 3 -> 2;
            default -> throw new IllegalArgumentException("no unused bits in a segment of length " + segment.length());
        };
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        assertTrue(unusedBits > 0 && (last & 1) == 0, "a canonical segment leaves its unused bits clear");
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
    }

    /** The claims, with a filler claim sized so that their encoding has unused bits to abuse. */
    private static String padToNonCanonicalLength(JsonObject claims) {
        for (int filler = 0; ; filler++) {
            String json = Json.createObjectBuilder(claims).add("pad", "x".repeat(filler)).build().toString();
            if (b64(json).length() % 4 == 2) {
                return json;
            }
        }
    }

    /** The claims in the standard base64 alphabet, with a filler claim that makes the encoding use '+' or '/'. */
    private static String standardAlphabetOf(JsonObject claims) {
        for (int filler = 0; ; filler++) {
            String json = Json.createObjectBuilder(claims).add("pad", "?".repeat(filler) + ">>>").build().toString();
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            if (encoded.contains("+") || encoded.contains("/")) {
                return encoded;
            }
        }
    }

    private static byte[] stripSignByte(byte[] twosComplement) {
        return twosComplement[0] == 0 ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static JsonObject jsonOf(String segment) {
        String json = new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
        return Json.createReader(new StringReader(json)).readObject();
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
