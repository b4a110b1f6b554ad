package dev.latchkey.keytool;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.testsupport.server.MovableClock;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code KeyTool import}: each file format another issuer may hold its key in, generated here with
 * the JDK (and, for the traditional PEM forms the JDK cannot write, the DER structures OpenSSL
 * writes), imported into a real (in-memory H2) key table, and each refusal. Whatever is refused
 * or printed, no key material and no key-store password ever reaches the output.
 */
class KeyImportTest {

    @TempDir
    Path files;

    private final Map<String, String> settings = new HashMap<>();
    private final MovableClock clock = MovableClock.at(Instant.parse("2026-03-01T09:00:00Z"));
    private ByteArrayOutputStream output;

    @BeforeEach
    void freshDatabase() {
        settings.put("latchkey.datasource.url", "jdbc:h2:mem:key-import-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("latchkey.keys.directory", "target/keytool-test-no-such-directory");
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        settings.put("latchkey.keys.kek", Base64.getEncoder().encodeToString(kek));
    }

    // --- each format -------------------------------------------------------------------------

    @Test
    void pkcs8PemOfEachKeyTypeIsImportedWithItsThumbprintAsKid() throws Exception {
        KeyPair rsa = rsa(2048);
        assertImported(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()), thumbprint(rsa), "RS256");
        KeyPair ec = ec("secp256r1");
        assertImported(pem("PRIVATE KEY", ec.getPrivate().getEncoded()), thumbprint(ec), "ES256");
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertImported(pem("PRIVATE KEY", ed.getPrivate().getEncoded()), thumbprint(ed), "EdDSA");
        KeyPair rsa4096 = rsa(4096);
        assertImported(pem("PRIVATE KEY", rsa4096.getPrivate().getEncoded()), thumbprint(rsa4096), "RS256");
    }

    @Test
    void traditionalPemFormsAreImported() throws Exception {
        KeyPair rsa = rsa(3072);
        assertImported(pem("RSA PRIVATE KEY", pkcs1(rsa)), thumbprint(rsa), "RS256");
        KeyPair ec = ec("secp256r1");
        assertImported(pem("EC PRIVATE KEY", sec1(ec, true)), thumbprint(ec), "ES256");
        // SEC1 without the optional public key: derived from the private key.
        KeyPair bare = ec("secp256r1");
        assertImported(pem("EC PRIVATE KEY", sec1(bare, false)), thumbprint(bare), "ES256");
    }

    @Test
    void aPemWithThePublicKeyOfItsPrivateKeyIsImportedUnderTheOldKid() throws Exception {
        KeyPair ec = ec("secp256r1");
        String file = pem("PRIVATE KEY", ec.getPrivate().getEncoded()) + pem("PUBLIC KEY", ec.getPublic().getEncoded());
        assertImported(file, "legacy-issuer-2024", "ES256", "--kid", "legacy-issuer-2024");
    }

    @Test
    void pkcs12TakesItsPasswordAndAliasFromTheEnvironmentOrAFile() throws Exception {
        KeyPair rsa = rsa(2048);
        byte[] store = pkcs12(Map.of("signing", rsa, "other", ec("secp256r1")), "store secret 1");
        Path file = write("keys.p12", store);

        // Without a password the file cannot be read, and the password never comes from arguments.
        assertEquals(KeyTool.REFUSED, run("import", file.toString()));
        assertTrue(out().contains("LATCHKEY_KEYTOOL_IMPORT_PASSWORD"), out());
        assertEquals(KeyTool.USAGE, run("import", file.toString(), "--password", "store secret 1"));

        settings.put("latchkey.keytool.import-password", "wrong password");
        assertRefused(file, "password");
        settings.put("latchkey.keytool.import-password", "store secret 1");
        assertRefused(file, "2 key entries");
        settings.put("latchkey.keytool.import-alias", "no-such-alias");
        assertRefused(file, "no entry with that alias");
        settings.put("latchkey.keytool.import-alias", "signing");
        assertEquals(KeyTool.OK, run("import", file.toString()), out());
        assertTrue(out().contains(thumbprint(rsa)), out());
        assertFalse(out().contains("store secret 1"));

        // The same from a password file (one trailing newline is not part of the password).
        freshDatabase();
        settings.remove("latchkey.keytool.import-password");
        settings.put("latchkey.keytool.import-password-file", write("password", "store secret 1\n".getBytes(StandardCharsets.UTF_8)).toString());
        settings.put("latchkey.keytool.import-alias", "other");
        assertEquals(KeyTool.OK, run("import", file.toString(), "--alg", "ES256"), out());
        assertTrue(out().contains("Imported ES256"), out());
    }

    @Test
    void aPrivateJwkKeepsItsKid() throws Exception {
        KeyPair rsa = rsa(2048);
        RSAKey jwk = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).privateKey(rsa.getPrivate())
                .keyID("rsa-2023-q4").keyUse(KeyUse.SIGNATURE).build();
        assertImported(jwk.toJSONString(), "rsa-2023-q4", "RS256");
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ed25519X(ed)))
                .d(Base64URL.encode(((EdECPrivateKey) ed.getPrivate()).getBytes().orElseThrow())).algorithm(com.nimbusds.jose.JWSAlgorithm.EdDSA).build();
        // No kid of its own: the thumbprint, as for generated keys.
        assertImported(okp.toJSONString(), okp.computeThumbprint().toString(), "EdDSA");
        // --kid may name it when the JWK has none.
        assertImported(okp.toJSONString(), "ed-legacy", "EdDSA", "--kid", "ed-legacy");
    }

    @Test
    void anImportedJwkKeepsOnlyItsKeyMaterialItsKidAndTheFittingAlgorithm() throws Exception {
        KeyPair rsa = rsa(2048);
        RSAKey carrying = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).privateKey(rsa.getPrivate()).keyID("old")
                .keyOperations(java.util.Set.of(com.nimbusds.jose.jwk.KeyOperation.SIGN, com.nimbusds.jose.jwk.KeyOperation.VERIFY))
                .x509CertURL(java.net.URI.create("https://old-issuer.example/cert.pem")).build();
        JWK imported = dev.latchkey.crypto.KeyImport.read(carrying.toJSONString().getBytes(StandardCharsets.UTF_8),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
        assertEquals(java.util.Set.of("kty", "kid", "alg", "use", "n", "e", "d", "p", "q", "dp", "dq", "qi"),
                imported.toJSONObject().keySet());
        assertEquals("old", imported.getKeyID());
        assertEquals("RS256", imported.getAlgorithm().getName());
        assertEquals(carrying.computeThumbprint(), imported.computeThumbprint());
    }

    // --- refusals ----------------------------------------------------------------------------

    @Test
    void weakMismatchedAndUnusableKeysAreRefusedWithoutPrintingThem() throws Exception {
        KeyPair rsa1024 = rsa(1024);
        assertRefused(pem("PRIVATE KEY", rsa1024.getPrivate().getEncoded()), "1024 bits");
        assertRefused(pem("RSA PRIVATE KEY", pkcs1(rsa1024)), "1024 bits");
        assertRefused(new RSAKey.Builder((RSAPublicKey) rsa1024.getPublic()).privateKey(rsa1024.getPrivate()).build().toJSONString(), "1024 bits");

        KeyPair p384 = ec("secp384r1");
        assertRefused(pem("PRIVATE KEY", p384.getPrivate().getEncoded()), "secp384r1");
        assertRefused(new ECKey.Builder(Curve.P_384, (ECPublicKey) p384.getPublic()).privateKey(p384.getPrivate()).build().toJSONString(), "P-384");

        KeyPair rsa = rsa(2048);
        // Public halves only.
        assertRefused(pem("PUBLIC KEY", rsa.getPublic().getEncoded()), "public key or certificate only");
        assertRefused(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build().toJSONString(), "public key only");
        // An algorithm that does not fit the key.
        assertRefused(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()), "does not fit", "--alg", "ES256");
        assertRefused(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).privateKey(rsa.getPrivate())
                .algorithm(com.nimbusds.jose.JWSAlgorithm.PS256).build().toJSONString(), "alg PS256");
        assertRefused(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).privateKey(rsa.getPrivate())
                .keyUse(KeyUse.ENCRYPTION).build().toJSONString(), "not for signatures");
        // Other key types.
        assertRefused(pem("PRIVATE KEY", KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate().getEncoded()), "Ed25519");
        assertRefused(pem("PRIVATE KEY", KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate().getEncoded()), "RSA, P-256 or Ed25519");
        assertRefused("{\"kty\":\"oct\",\"k\":\"" + Base64URL.encode(new byte[32]) + "\"}", "RSA, P-256 or Ed25519");

        // Mismatched halves: a private key with another key's public key, in PEM and in a JWK.
        KeyPair other = rsa(2048);
        assertRefused(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()) + pem("PUBLIC KEY", other.getPublic().getEncoded()),
                "does not belong");
        KeyPair ec = ec("secp256r1");
        KeyPair otherEc = ec("secp256r1");
        assertRefused(new ECKey.Builder(Curve.P_256, (ECPublicKey) otherEc.getPublic()).privateKey(ec.getPrivate()).build().toJSONString(),
                "does not belong");
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair otherEd = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertRefused(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ed25519X(otherEd)))
                .d(Base64URL.encode(((EdECPrivateKey) ed.getPrivate()).getBytes().orElseThrow())).build().toJSONString(), "does not belong");

        // Encrypted PEM, several keys, and things that are not keys at all.
        assertRefused(encryptedPkcs8(rsa), "encrypted");
        assertTrue(encryptedTraditional(rsa).contains("Proc-Type: 4,ENCRYPTED"));
        assertRefused(encryptedTraditional(rsa), "encrypted");
        assertRefused(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()) + pem("PRIVATE KEY", other.getPrivate().getEncoded()),
                "2 private keys");
        assertRefused(pem("PRIVATE KEY", Arrays.copyOf(rsa.getPrivate().getEncoded(), 300)), "cannot be read");
        assertRefused("{\"kty\":\"RSA\",", "not a valid JWK");
        assertRefused(pem("PRIVATE KEY", ec.getPrivate().getEncoded()), "kid", "--kid", "has/slash");
    }

    @Test
    void importFollowsTheRotationRules() throws Exception {
        KeyPair first = rsa(2048);
        assertEquals(KeyTool.OK, run("import", write("first.pem", pem("PRIVATE KEY", first.getPrivate().getEncoded())).toString()), out());
        // One next key at a time.
        Path second = write("second.pem", pem("PRIVATE KEY", ec("secp256r1").getPrivate().getEncoded()));
        assertEquals(KeyTool.REFUSED, run("import", second.toString()));
        assertTrue(out().contains("already exists"), out());
        assertEquals(KeyTool.OK, run("promote"), out());
        // The same kid twice is refused, whatever state the first is in.
        Path again = write("again.pem", pem("PRIVATE KEY", first.getPrivate().getEncoded()));
        assertEquals(KeyTool.REFUSED, run("import", again.toString()));
        assertTrue(out().contains("already holds a key with this kid"), out());
        // The KEK must open the active key, as for generate.
        String kek = settings.get("latchkey.keys.kek");
        byte[] otherKek = new byte[32];
        new SecureRandom().nextBytes(otherKek);
        settings.put("latchkey.keys.kek", Base64.getEncoder().encodeToString(otherKek));
        assertEquals(KeyTool.REFUSED, run("import", second.toString()));
        assertTrue(out().contains("LATCHKEY_KEYS_KEK"), out());
        settings.put("latchkey.keys.kek", kek);
        // And the imported next key waits 15 minutes before it may be promoted, like a generated one.
        assertEquals(KeyTool.OK, run("import", second.toString()), out());
        assertEquals(KeyTool.REFUSED, run("promote"));
        assertTrue(out().contains("15 minutes"), out());
    }

    @Test
    void badImportArgumentsGetTheUsage() throws Exception {
        Path file = write("k.pem", pem("PRIVATE KEY", ec("secp256r1").getPrivate().getEncoded()));
        for (List<String> args : List.of(List.of("import"), List.of("import", file.toString(), "extra"),
                List.of("import", file.toString(), "--alg", "HS256"), List.of("import", file.toString(), "--kid"))) {
            assertEquals(KeyTool.USAGE, run(args.toArray(String[]::new)), args.toString());
        }
        assertEquals(KeyTool.FAILED, run("import", files.resolve("missing.pem").toString()));
    }

    // --- helpers -----------------------------------------------------------------------------

    private int run(String... args) {
        output = new ByteArrayOutputStream();
        return new KeyTool(() -> SettingsSource.of(settings), new PrintStream(output, true, StandardCharsets.UTF_8), clock).run(args);
    }

    private String out() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] content) throws Exception {
        Path file = files.resolve(name);
        Files.write(file, content);
        return file;
    }

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.US_ASCII));
    }

    /** Imports, checks kid, algorithm and state next, then withdraws the key so the next import may run. */
    private void assertImported(String content, String expectedKid, String algorithm, String... options) throws Exception {
        Path file = write("key-" + UUID.randomUUID(), content);
        String[] command = new String[options.length + 2];
        command[0] = "import";
        command[1] = file.toString();
        System.arraycopy(options, 0, command, 2, options.length);
        assertEquals(KeyTool.OK, run(command), out());
        Matcher imported = Pattern.compile("Imported (\\S+) key (\\S+) as next").matcher(out());
        assertTrue(imported.find(), out());
        assertEquals(algorithm, imported.group(1));
        assertEquals(expectedKid, imported.group(2));
        assertNoKeyMaterialIn(out(), content);
        assertEquals(KeyTool.OK, run("retire", expectedKid), out());
    }

    private void assertRefused(String content, String reason, String... options) throws Exception {
        assertRefused(write("key-" + UUID.randomUUID(), content), reason, options);
        assertNoKeyMaterialIn(out(), content);
    }

    private void assertRefused(Path file, String reason, String... options) {
        String[] command = new String[options.length + 2];
        command[0] = "import";
        command[1] = file.toString();
        System.arraycopy(options, 0, command, 2, options.length);
        assertEquals(KeyTool.REFUSED, run(command), out());
        assertTrue(out().contains(reason), "expected '" + reason + "' in: " + out());
        assertEquals(KeyTool.OK, run("list"));
        assertEquals(1, out().lines().count(), "nothing was stored: " + out());
    }

    /** No base64 run of the file (PEM body lines, JWK members) appears in what the tool printed. */
    private static void assertNoKeyMaterialIn(String printed, String content) {
        for (String piece : content.split("[^A-Za-z0-9+/_-]+")) {
            if (piece.length() >= 16) {
                assertFalse(printed.contains(piece), "key material in the output: " + printed);
            }
        }
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** PKCS#1 RSAPrivateKey: what the JDK wraps inside its PKCS#8 encoding, unwrapped. */
    private static byte[] pkcs1(KeyPair rsa) throws Exception {
        return PrivateKeyInfo.getInstance(rsa.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded("DER");
    }

    /** SEC1 ECPrivateKey as OpenSSL writes it: version 1, the scalar, the named curve, and (optionally) the public point. */
    private static byte[] sec1(KeyPair ec, boolean withPublicKey) throws Exception {
        BigInteger s = ((ECPrivateKey) ec.getPrivate()).getS();
        ECPublicKey publicKey = (ECPublicKey) ec.getPublic();
        DERBitString point = null;
        if (withPublicKey) {
            byte[] encoded = publicKey.getEncoded();
            // The last 65 bytes of a P-256 SubjectPublicKeyInfo are the uncompressed point.
            point = new DERBitString(Arrays.copyOfRange(encoded, encoded.length - 65, encoded.length));
        }
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, s, point, SECObjectIdentifiers.secp256r1).getEncoded("DER");
    }

    /** "BEGIN ENCRYPTED PRIVATE KEY" (PKCS#8 with PBES2), as openssl pkcs8 -topk8 writes it. */
    private static String encryptedPkcs8(KeyPair rsa) throws Exception {
        org.bouncycastle.operator.OutputEncryptor encryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC).setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword("pw".toCharArray()).build();
        return toPem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(rsa.getPrivate(), encryptor).generate());
    }

    /** The traditional encrypted form: "BEGIN RSA PRIVATE KEY" with "Proc-Type: 4,ENCRYPTED". */
    private static String encryptedTraditional(KeyPair rsa) throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
            writer.writeObject(rsa.getPrivate(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .build("pw".toCharArray()));
        }
        return text.toString();
    }

    private static String toPem(org.bouncycastle.util.io.pem.PemObject object) throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /** A PKCS#12 key store, each entry with a self-signed certificate for its key, made with the JDK's keytool. */
    private byte[] pkcs12(Map<String, KeyPair> entries, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Map.Entry<String, KeyPair> entry : entries.entrySet()) {
            store.setKeyEntry(entry.getKey(), entry.getValue().getPrivate(), password.toCharArray(),
                    new Certificate[] {selfSigned(entry.getValue())});
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password.toCharArray());
        return bytes.toByteArray();
    }

    private static Certificate selfSigned(KeyPair pair) throws Exception {
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=old issuer");
        String algorithm = pair.getPrivate() instanceof RSAPrivateCrtKey ? "SHA256withRSA" : "SHA256withECDSA";
        org.bouncycastle.cert.X509v3CertificateBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, java.util.Date.from(Instant.parse("2025-01-01T00:00:00Z")),
                java.util.Date.from(Instant.parse("2030-01-01T00:00:00Z")), name, pair.getPublic());
        PrivateKey signingKey = pair.getPrivate();
        byte[] der = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm).build(signingKey)).getEncoded();
        return CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    private static byte[] ed25519X(KeyPair ed) {
        byte[] encoded = ed.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    private static String thumbprint(KeyPair pair) throws Exception {
        JWK publicJwk;
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            publicJwk = new RSAKey.Builder(rsa).build();
        } else if (pair.getPublic() instanceof ECPublicKey ec) {
            publicJwk = new ECKey.Builder(Curve.P_256, ec).build();
        } else {
            publicJwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ed25519X(pair))).build();
        }
        return publicJwk.computeThumbprint().toString();
    }
}
