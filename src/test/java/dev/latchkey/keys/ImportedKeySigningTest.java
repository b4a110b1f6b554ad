package dev.latchkey.keys;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.KeyImport;
import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.persistence.SchemaMigration;
import dev.latchkey.testsupport.server.MovableClock;
import dev.latchkey.token.TokenSettings;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migration from another issuer, end to end: its key is imported (as the key tool does), waits its
 * fifteen minutes as next, is promoted, and from then on a node signs access tokens with it under
 * the old kid, which consumers verify with the public key the old issuer published all along.
 */
class ImportedKeySigningTest {

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-03-01T09:00:00Z"));
    private JdbcDataSource dataSource;
    private KeyEncryptionKey kek;
    private String kekText;

    @BeforeEach
    void freshDatabase() throws Exception {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:imported-key-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigration.migrate(connection);
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        kekText = Base64.getEncoder().encodeToString(bytes);
        kek = KeyEncryptionKey.parse(kekText);
    }

    @Test
    void anImportedRsaKeySignsTokensThatVerifyWithThePublishedKey() throws Exception {
        KeyPair old = generate("RSA", null);
        JWK published = new RSAKey.Builder((RSAPublicKey) old.getPublic()).keyID("old-issuer-rsa").build();
        String pkcs1 = pem("RSA PRIVATE KEY", org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(old.getPrivate().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded("DER"));
        assertSignsAsTheOldIssuer(pkcs1, "old-issuer-rsa", published, new RSASSAVerifier((RSAPublicKey) old.getPublic()));
    }

    @Test
    void anImportedP256KeySignsTokensThatVerifyWithThePublishedKey() throws Exception {
        KeyPair old = generate("EC", new ECGenParameterSpec("secp256r1"));
        ECKey privateJwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) old.getPublic()).privateKey(old.getPrivate())
                .keyID("old-issuer-ec").build();
        assertSignsAsTheOldIssuer(privateJwk.toJSONString(), null, privateJwk.toPublicJWK(),
                new ECDSAVerifier((ECPublicKey) old.getPublic()));
    }

    @Test
    void anImportedEd25519KeySignsTokensThatVerifyWithThePublishedKey() throws Exception {
        KeyPair old = generate("Ed25519", null);
        byte[] encoded = old.getPublic().getEncoded();
        JWK published = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(encoded, encoded.length - 32,
                encoded.length))).keyID("old-issuer-ed").build();
        SignedJWT token = signedByPromotedImport(pem("PRIVATE KEY", old.getPrivate().getEncoded()), "old-issuer-ed", published);
        // Nimbus verifies Ed25519 only through Tink, so the consumer here is the JDK itself.
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(old.getPublic());
        verifier.update(token.getSigningInput());
        assertTrue(verifier.verify(token.getSignature().decode()));
    }

    private void assertSignsAsTheOldIssuer(String file, String kidOption, JWK published, JWSVerifier consumer) throws Exception {
        SignedJWT token = signedByPromotedImport(file, kidOption, published);
        assertTrue(token.verify(consumer), "a consumer with the old issuer's public key accepts the token");
    }

    /**
     * Generates an active key first (the installation as it is), imports the old issuer's key as
     * next, waits, promotes it, and signs an access token with the node's active key exactly as
     * token.AccessTokenIssuer does.
     */
    private SignedJWT signedByPromotedImport(String file, String kidOption, JWK published) throws Exception {
        KeyAdministration administration = new KeyAdministration(new SigningKeyStore(dataSource::getConnection), clock);
        administration.generate(JWSAlgorithm.ES256, 2048, kek);
        administration.promote(Optional.empty(), false);
        SigningKeys node = node();
        String before = node.activeSigningKey().kid();

        JWK imported = KeyImport.read(file.getBytes(StandardCharsets.US_ASCII), Optional.empty(), Optional.empty(),
                Optional.ofNullable(kidOption));
        String kid = administration.importKey(imported, kek).kid();
        assertEquals(published.getKeyID(), kid, "the old kid");
        node.refresh();
        assertEquals(before, node.activeSigningKey().kid(), "a next key does not sign");
        assertTrue(node.publicJwkSet().getKeyByKeyId(kid) != null, "published as next before it signs");
        clock.advance(Duration.ofMinutes(15));
        administration.promote(Optional.of(kid), false);
        node.refresh();

        ManagedKey active = node.activeSigningKey();
        assertEquals(kid, active.kid());
        JWK publishedNow = node.publicJwkSet().getKeyByKeyId(kid);
        assertEquals(published.computeThumbprint(), publishedNow.computeThumbprint(), "the JWKS publishes the same public key");
        assertTrue(!publishedNow.isPrivate());

        Instant now = clock.instant();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(active.algorithm()).keyID(active.kid()).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer("https://auth.example.test").subject("user-1").audience("api")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900))).build());
        token.sign(active.signer());
        SignedJWT received = SignedJWT.parse(token.serialize());
        assertEquals(kid, received.getHeader().getKeyID());
        assertTrue(received.verify(node.verificationKey(kid).orElseThrow().verifier()), "Latchkey's own verifier accepts it too");
        return received;
    }

    private SigningKeys node() throws Exception {
        SigningKeys keys = new SigningKeys();
        keys.settings = KeySettings.from(SettingsSource.of(Map.of(
                KeySettings.DIRECTORY, Files.createTempDirectory("latchkey-import-test").toString(),
                KeySettings.KEK, kekText)));
        keys.tokenSettings = TokenSettings.from(SettingsSource.of(new HashMap<>(Map.of(
                TokenSettings.ISSUER, "https://auth.example.test", TokenSettings.AUDIENCE, "api"))));
        keys.clock = clock;
        keys.dataSource = dataSource;
        keys.load();
        return keys;
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (curve != null) {
            generator.initialize(curve);
        } else if ("RSA".equals(algorithm)) {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
