package dev.latchkey.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a signing key that another issuer used, for the key tool's {@code import}: a PEM file
 * (PKCS#8 {@code PRIVATE KEY}, or the traditional PKCS#1 {@code RSA PRIVATE KEY} and SEC1
 * {@code EC PRIVATE KEY}), a PKCS#12 key store, or a private JWK. The result is a private JWK
 * exactly like a generated one: bound to one algorithm, {@code use} "sig", with a {@code kid}.
 *
 * <p>What is accepted: RSA of 2048 to 4096 bits (RS256), P-256 (ES256) and Ed25519 (EdDSA). What
 * is refused, each with a {@link RefusedKeyException} whose message names the reason and never
 * any key material: a public key or certificate alone, a weaker or larger RSA key, an EC key on
 * another curve, another key type (Ed448, X25519, symmetric), an {@code --alg} or JWK {@code alg}
 * that does not fit the key, a JWK for encryption, an encrypted PEM (decrypt it, or export it as
 * PKCS#12), a file holding several private keys, and a file whose public key or certificate does
 * not belong to its private key. Every imported key finally signs and verifies a test message:
 * a JWK whose private and public halves come from different keys is refused.
 *
 * <p>The {@code kid}: an explicit one (the kid the old issuer published, so that its tokens and
 * its consumers keep working) wins; else a JWK's own {@code kid} is kept, for the same reason;
 * else it is the RFC 7638 thumbprint, as for generated keys.
 *
 * <p>Parsing is left to maintained code: the JDK reads PKCS#8 ({@link KeyFactory}) and PKCS#12
 * ({@link KeyStore}); Nimbus reads JWKs; BouncyCastle reads the PEM envelope and the traditional
 * forms the JDK cannot, and derives the public half of an EC or Ed25519 private key, which the
 * JDK has no API for.
 */
public final class KeyImport {

    /** The kid column holds 64 characters; a kid travels in JWS headers, the JWKS and admin URLs. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._~:+=-]{1,64}");

    private static final byte[] SELF_TEST = "latchkey key import self-test".getBytes(StandardCharsets.US_ASCII);

    /** Why a key file was refused. The message is fixed text plus sizes and names, never key material. */
    public static final class RefusedKeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedKeyException(String message) {
            super(message, null, false, false);
        }
    }

    /** The password and alias of a PKCS#12 file; the alias may be left out when it holds one key. */
    public record KeyStoreAccess(char[] password, Optional<String> alias) {
    }

    private KeyImport() {
    }

    /**
     * @param content   the file's bytes: PEM or JSON text, or a PKCS#12 (DER) key store
     * @param keyStore  how to open it if it is a PKCS#12 key store
     * @param algorithm the algorithm the operator names, if any: it must fit the key
     * @param kid       the kid the operator names, if any
     * @throws RefusedKeyException when the key cannot or must not be imported
     */
    public static JWK read(byte[] content, Optional<KeyStoreAccess> keyStore, Optional<JWSAlgorithm> algorithm,
                           Optional<String> kid) {
        kid.ifPresent(KeyImport::checkKid);
        String text = new String(content, StandardCharsets.UTF_8).strip();
        JWK key;
        if (text.startsWith("{")) {
            key = fromJwk(text, algorithm, kid);
        } else if (text.contains("-----BEGIN ")) {
            key = fromPem(text, algorithm, kid);
        } else {
            key = fromPkcs12(content, keyStore.orElseThrow(() -> new RefusedKeyException(
                    "The file is neither PEM nor a JWK, so it is read as PKCS#12, which needs its password"
                            + " (LATCHKEY_KEYTOOL_IMPORT_PASSWORD or LATCHKEY_KEYTOOL_IMPORT_PASSWORD_FILE)")), algorithm, kid);
        }
        selfTest(key);
        return key;
    }

    // --- JWK ---------------------------------------------------------------------------------

    private static JWK fromJwk(String json, Optional<JWSAlgorithm> requested, Optional<String> kid) {
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException e) {
            // Nimbus's message may quote the member it choked on: name the failure only.
            throw new RefusedKeyException("The JSON file is not a valid JWK");
        }
        if (!jwk.isPrivate()) {
            throw new RefusedKeyException("The JWK is a public key only; import needs the private key");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new RefusedKeyException("The JWK is for use \"" + jwk.getKeyUse().identifier() + "\", not for signatures");
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().isEmpty()
                && jwk.getKeyOperations().stream().noneMatch(op -> "sign".equals(op.identifier()))) {
            throw new RefusedKeyException("The JWK's key_ops do not allow signing");
        }
        JWSAlgorithm fitting = algorithmOf(jwk);
        if (jwk.getAlgorithm() != null && !fitting.getName().equals(jwk.getAlgorithm().getName())) {
            throw new RefusedKeyException("The JWK's alg " + jwk.getAlgorithm().getName() + " is not " + fitting.getName()
                    + ", the one algorithm Latchkey signs with for a " + describe(jwk) + " key");
        }
        JWSAlgorithm algorithm = fitting(fitting, requested, describe(jwk));
        if (kid.isPresent() && jwk.getKeyID() != null && !kid.get().equals(jwk.getKeyID())) {
            throw new RefusedKeyException("--kid differs from the JWK's own kid; leave one of them out");
        }
        String keyId = kid.orElse(jwk.getKeyID());
        if (keyId != null) {
            checkKid(keyId);
        }
        // Rebuilt from the key material alone: whatever else the file carried (x5c, key_ops, dates,
        // revocation notes) is not Latchkey's to publish.
        try {
            if (jwk instanceof RSAKey rsa) {
                return finish(new RSAKey.Builder(rsa.toRSAPublicKey()).privateKey(rsa.toRSAPrivateKey()), algorithm, keyId);
            }
            if (jwk instanceof ECKey ec) {
                return finish(new ECKey.Builder(ec.getCurve(), ec.toECPublicKey()).privateKey(ec.toECPrivateKey()), algorithm, keyId);
            }
            OctetKeyPair okp = (OctetKeyPair) jwk;
            return finish(new OctetKeyPair.Builder(okp.getCurve(), okp.getX()).d(okp.getD()), algorithm, keyId);
        } catch (JOSEException e) {
            throw new RefusedKeyException("The JWK cannot be used as a signing key");
        }
    }

    /** The one algorithm Latchkey signs with for this key, or a refusal naming what the key is. */
    private static JWSAlgorithm algorithmOf(JWK jwk) {
        if (jwk instanceof RSAKey rsa) {
            checkRsaSize(rsa.size());
            return JWSAlgorithm.RS256;
        }
        if (jwk instanceof ECKey ec) {
            if (!Curve.P_256.equals(ec.getCurve())) {
                throw new RefusedKeyException("The EC key is on curve " + ec.getCurve() + "; Latchkey signs with P-256 only");
            }
            return JWSAlgorithm.ES256;
        }
        if (jwk instanceof OctetKeyPair okp) {
            if (!Curve.Ed25519.equals(okp.getCurve())) {
                throw new RefusedKeyException("The OKP key is on curve " + okp.getCurve() + "; Latchkey signs with Ed25519 only");
            }
            return JWSAlgorithm.EdDSA;
        }
        throw new RefusedKeyException("A " + jwk.getKeyType() + " key cannot sign asymmetrically; import RSA, P-256 or Ed25519");
    }

    private static String describe(JWK jwk) {
        if (KeyType.RSA.equals(jwk.getKeyType())) {
            return "RSA";
        }
        return jwk instanceof ECKey ec ? ec.getCurve().getName() : jwk instanceof OctetKeyPair okp ? okp.getCurve().getName()
                : jwk.getKeyType().getValue();
    }

    // --- PEM ---------------------------------------------------------------------------------

    private static JWK fromPem(String pem, Optional<JWSAlgorithm> requested, Optional<String> kid) {
        List<PrivateKeyInfo> privateKeys = new ArrayList<>();
        List<SubjectPublicKeyInfo> publicKeys = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    privateKeys.add(pair.getPrivateKeyInfo());
                    if (pair.getPublicKeyInfo() != null) {
                        publicKeys.add(pair.getPublicKeyInfo());
                    }
                } else if (object instanceof PrivateKeyInfo info) {
                    privateKeys.add(info);
                } else if (object instanceof SubjectPublicKeyInfo info) {
                    publicKeys.add(info);
                } else if (object instanceof X509CertificateHolder certificate) {
                    publicKeys.add(certificate.getSubjectPublicKeyInfo());
                } else if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    throw new RefusedKeyException("The PEM key is encrypted, which import does not read. Decrypt it on a"
                            + " trusted machine (openssl pkey -in key.pem -out plain.pem) and delete the plain copy after"
                            + " the import, or export the key as PKCS#12 and import that");
                } else {
                    throw new RefusedKeyException("The PEM file holds a " + object.getClass().getSimpleName()
                            + ", which is not a key");
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // BouncyCastle's messages can quote the malformed content: name the failure only.
            throw new RefusedKeyException("The PEM file cannot be read (malformed or truncated)");
        }
        if (privateKeys.isEmpty()) {
            throw new RefusedKeyException(publicKeys.isEmpty() ? "The PEM file holds no key"
                    : "The PEM file holds a public key or certificate only; import needs the private key");
        }
        if (privateKeys.size() > 1) {
            throw new RefusedKeyException("The PEM file holds " + privateKeys.size() + " private keys; import one at a time");
        }
        checkNamedCurve(privateKeys.get(0));
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey privateKey;
        List<PublicKey> carried = new ArrayList<>();
        try {
            privateKey = converter.getPrivateKey(privateKeys.get(0));
            for (SubjectPublicKeyInfo info : publicKeys) {
                carried.add(converter.getPublicKey(info));
            }
        } catch (IOException | RuntimeException e) {
            throw new RefusedKeyException("The PEM key is of a type or form Latchkey cannot use; import RSA, P-256 or Ed25519");
        }
        return fromJca(privateKey, carried, requested, kid);
    }

    /**
     * An EC key names its curve in its algorithm parameters; one on another curve is refused by
     * name here, before the JDK (which may not even know the curve) is asked to decode it.
     */
    private static void checkNamedCurve(PrivateKeyInfo info) {
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            return;
        }
        ASN1Encodable parameters = info.getPrivateKeyAlgorithm().getParameters();
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw new RefusedKeyException("The EC key has explicit curve parameters; Latchkey signs with the named curve P-256 only");
        }
        if (!SECObjectIdentifiers.secp256r1.equals(curve)) {
            String name = org.bouncycastle.asn1.x9.ECNamedCurveTable.getName(curve);
            throw new RefusedKeyException("The EC key is on curve " + (name != null ? name : curve.getId())
                    + "; Latchkey signs with P-256 only");
        }
    }

    // --- PKCS#12 -----------------------------------------------------------------------------

    private static JWK fromPkcs12(byte[] content, KeyStoreAccess access, Optional<JWSAlgorithm> requested, Optional<String> kid) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(content), access.password());
        } catch (IOException | GeneralSecurityException e) {
            throw new RefusedKeyException("The file is not a PKCS#12 key store that this password opens");
        }
        try {
            String alias;
            if (access.alias().isPresent()) {
                alias = access.alias().get();
                if (!store.containsAlias(alias)) {
                    throw new RefusedKeyException("The key store has no entry with that alias");
                }
            } else {
                List<String> keyAliases = new ArrayList<>();
                for (String candidate : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(candidate)) {
                        keyAliases.add(candidate);
                    }
                }
                if (keyAliases.size() != 1) {
                    throw new RefusedKeyException("The key store holds " + keyAliases.size() + " key entries; name one with"
                            + " LATCHKEY_KEYTOOL_IMPORT_ALIAS");
                }
                alias = keyAliases.get(0);
            }
            if (!store.isKeyEntry(alias)) {
                throw new RefusedKeyException("That key store entry is a certificate only; import needs the private key");
            }
            Key key = store.getKey(alias, access.password());
            if (!(key instanceof PrivateKey privateKey)) {
                throw new RefusedKeyException("That key store entry is not a private key");
            }
            List<PublicKey> carried = new ArrayList<>();
            Certificate certificate = store.getCertificate(alias);
            if (certificate != null) {
                carried.add(certificate.getPublicKey());
            }
            return fromJca(privateKey, carried, requested, kid);
        } catch (GeneralSecurityException e) {
            throw new RefusedKeyException("The key store entry cannot be opened with this password");
        }
    }

    // --- JCA keys to JWK ---------------------------------------------------------------------

    private static JWK fromJca(PrivateKey privateKey, List<PublicKey> carried, Optional<JWSAlgorithm> requested,
                               Optional<String> kid) {
        try {
            if (privateKey instanceof RSAPrivateKey rsa) {
                if (!(rsa instanceof RSAPrivateCrtKey crt)) {
                    throw new RefusedKeyException("The RSA key lacks its public exponent (not in CRT form)");
                }
                checkRsaSize(crt.getModulus().bitLength());
                JWSAlgorithm algorithm = fitting(JWSAlgorithm.RS256, requested, "RSA");
                RSAPublicKey derived = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                        new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                checkCarried(derived, carried);
                return finish(new RSAKey.Builder(derived).privateKey(crt), algorithm, kid.orElse(null));
            }
            if (privateKey instanceof ECPrivateKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (!Curve.P_256.equals(curve)) {
                    throw new RefusedKeyException("The EC key is on curve " + (curve == null ? "(unnamed)" : curve.getName())
                            + "; Latchkey signs with P-256 only");
                }
                JWSAlgorithm algorithm = fitting(JWSAlgorithm.ES256, requested, "P-256");
                ECPublicKey derived = p256PublicKey(ec);
                checkCarried(derived, carried);
                return finish(new ECKey.Builder(Curve.P_256, derived).privateKey(ec), algorithm, kid.orElse(null));
            }
            if (privateKey instanceof EdECPrivateKey ed) {
                if (!NamedParameterSpec.ED25519.getName().equalsIgnoreCase(ed.getParams().getName())) {
                    throw new RefusedKeyException("The EdDSA key is " + ed.getParams().getName() + "; Latchkey signs with Ed25519 only");
                }
                JWSAlgorithm algorithm = fitting(JWSAlgorithm.EdDSA, requested, "Ed25519");
                byte[] seed = ed.getBytes().orElseThrow(() -> new RefusedKeyException("The Ed25519 private key is not extractable"));
                byte[] x = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
                for (PublicKey publicKey : carried) {
                    byte[] encoded = publicKey.getEncoded();
                    if (encoded.length < x.length || !Arrays.equals(x, Arrays.copyOfRange(encoded, encoded.length - x.length, encoded.length))) {
                        throw mismatch();
                    }
                }
                OctetKeyPair.Builder builder = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(seed));
                Arrays.fill(seed, (byte) 0);
                return finish(builder, algorithm, kid.orElse(null));
            }
        } catch (GeneralSecurityException | JOSEException e) {
            throw new RefusedKeyException("The key cannot be used as a signing key");
        }
        throw new RefusedKeyException("A " + privateKey.getAlgorithm() + " key cannot be imported; import RSA, P-256 or Ed25519");
    }

    /** Q = d·G on P-256, by BouncyCastle's fixed-point multiplication (the JDK has no public API for it). */
    private static ECPublicKey p256PublicKey(ECPrivateKey privateKey) throws GeneralSecurityException {
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        ECPoint q = new FixedPointCombMultiplier().multiply(p256.getG(), privateKey.getS()).normalize();
        java.security.spec.ECPoint point = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
                q.getAffineYCoord().toBigInteger());
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, privateKey.getParams()));
    }

    private static void checkCarried(PublicKey derived, List<PublicKey> carried) {
        for (PublicKey publicKey : carried) {
            if (!Arrays.equals(derived.getEncoded(), publicKey.getEncoded())) {
                throw mismatch();
            }
        }
    }

    private static RefusedKeyException mismatch() {
        return new RefusedKeyException("The public key or certificate in the file does not belong to its private key");
    }

    // --- common ------------------------------------------------------------------------------

    private static void checkRsaSize(int bits) {
        if (bits < KeyMaterial.MIN_RSA_BITS) {
            throw new RefusedKeyException("The RSA key has " + bits + " bits; at least " + KeyMaterial.MIN_RSA_BITS
                    + " are required (NIST SP 800-131A)");
        }
        if (bits > KeyMaterial.MAX_RSA_BITS) {
            throw new RefusedKeyException("The RSA key has " + bits + " bits; at most " + KeyMaterial.MAX_RSA_BITS + " are supported");
        }
    }

    private static JWSAlgorithm fitting(JWSAlgorithm fitting, Optional<JWSAlgorithm> requested, String keyDescription) {
        if (requested.isPresent() && !requested.get().equals(fitting)) {
            throw new RefusedKeyException("--alg " + requested.get().getName() + " does not fit a " + keyDescription
                    + " key; Latchkey signs with " + fitting.getName() + " for it");
        }
        return fitting;
    }

    private static void checkKid(String kid) {
        if (!KID.matcher(kid).matches()) {
            throw new RefusedKeyException("A kid is 1 to 64 of A-Z a-z 0-9 . _ ~ : + = -");
        }
    }

    /** Binds the key to its algorithm and use, and names it: the given kid, or the RFC 7638 thumbprint. */
    private static JWK finish(RSAKey.Builder rsa, JWSAlgorithm algorithm, String kid) throws JOSEException {
        rsa.keyUse(KeyUse.SIGNATURE).algorithm(algorithm);
        return kid != null ? rsa.keyID(kid).build() : rsa.keyIDFromThumbprint().build();
    }

    private static JWK finish(ECKey.Builder ec, JWSAlgorithm algorithm, String kid) throws JOSEException {
        ec.keyUse(KeyUse.SIGNATURE).algorithm(algorithm);
        return kid != null ? ec.keyID(kid).build() : ec.keyIDFromThumbprint().build();
    }

    private static JWK finish(OctetKeyPair.Builder okp, JWSAlgorithm algorithm, String kid) throws JOSEException {
        okp.keyUse(KeyUse.SIGNATURE).algorithm(algorithm);
        return kid != null ? okp.keyID(kid).build() : okp.keyIDFromThumbprint().build();
    }

    /**
     * Signs and verifies a test message with the key as Latchkey will use it: a JWK whose private
     * and public halves come from different keys (nothing else checks that they match) is refused.
     */
    private static void selfTest(JWK key) {
        ManagedKey managed;
        try {
            managed = KeyMaterial.toManagedKey(key);
        } catch (IllegalStateException e) {
            throw new RefusedKeyException("The key cannot be used as a signing key");
        }
        try {
            JWSObject jws = new JWSObject(new JWSHeader(managed.algorithm()), new Payload(SELF_TEST));
            jws.sign(managed.signer());
            if (!JWSObject.parse(jws.serialize()).verify(managed.verifier())) {
                throw mismatch();
            }
        } catch (JOSEException | ParseException e) {
            throw mismatch();
        }
    }
}
