package dev.latchkey.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Set;

/**
 * Ed25519 (JWS {@code alg} "EdDSA", RFC 8037) on the JDK's own implementation (JEP 339, Java 15+).
 *
 * <p>Nimbus signs and verifies Ed25519 only through Google Tink, an optional dependency it does
 * not bring along. Latchkey does not add it: on Payara the server's copy of Nimbus is loaded
 * ahead of the WAR's, and that copy cannot see a Tink jar inside the WAR, so Nimbus's Ed25519
 * classes would fail at the first signature; and the JDK already carries a vetted Ed25519. These
 * two small adapters plug the JDK into Nimbus's signer and verifier interfaces instead.
 * {@code KeyMaterialTest} checks them against the test vector of RFC 8037, appendix A.4.
 */
final class Ed25519Keys {

    private static final String JCA_NAME = "Ed25519";

    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410): the raw key follows. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;

    private Ed25519Keys() {
    }

    static OctetKeyPair generate() throws JOSEException {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(JCA_NAME).generateKeyPair();
            byte[] encodedPublic = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(encodedPublic, encodedPublic.length - KEY_BYTES, encodedPublic.length);
            byte[] d = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new JOSEException("The Ed25519 private key is not extractable"));
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                    .d(Base64URL.encode(d))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.EdDSA)
                    .keyIDFromThumbprint()
                    .build();
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 is unavailable in this JDK", e);
        }
    }

    static JWSSigner signer(OctetKeyPair jwk) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve()) || jwk.getDecodedD() == null || jwk.getDecodedD().length != KEY_BYTES) {
            throw new JOSEException("Not an Ed25519 private key");
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance(JCA_NAME)
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, jwk.getDecodedD()));
            return new Signer(privateKey);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Unusable Ed25519 private key", e);
        }
    }

    static JWSVerifier verifier(OctetKeyPair jwk) throws JOSEException {
        byte[] x = jwk.getDecodedX();
        if (!Curve.Ed25519.equals(jwk.getCurve()) || x == null || x.length != KEY_BYTES) {
            throw new JOSEException("Not an Ed25519 public key");
        }
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(x, 0, encoded, X509_PREFIX.length, KEY_BYTES);
        try {
            return new Verifier(KeyFactory.getInstance(JCA_NAME).generatePublic(new X509EncodedKeySpec(encoded)));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Unusable Ed25519 public key", e);
        }
    }

    /** Both adapters handle exactly one algorithm, on the JDK's default provider. */
    private abstract static class JdkEd25519Provider {
        private final JCAContext jcaContext = new JCAContext();

        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        public JCAContext getJCAContext() {
            return jcaContext;
        }
    }

    private static final class Signer extends JdkEd25519Provider implements JWSSigner {
        private final PrivateKey privateKey;

        Signer(PrivateKey privateKey) {
            this.privateKey = privateKey;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("This key signs only EdDSA");
            }
            try {
                Signature signature = Signature.getInstance(JCA_NAME);
                signature.initSign(privateKey);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
            }
        }
    }

    private static final class Verifier extends JdkEd25519Provider implements JWSVerifier {
        private final PublicKey publicKey;

        Verifier(PublicKey publicKey) {
            this.publicKey = publicKey;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) {
            byte[] presented = signature.decode();
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || presented.length != SIGNATURE_BYTES) {
                return false;
            }
            try {
                Signature verifier = Signature.getInstance(JCA_NAME);
                verifier.initVerify(publicKey);
                verifier.update(signedContent);
                return verifier.verify(presented);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }
}
