package dev.latchkey.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.util.Set;

/** Turns private JWKs into {@link ManagedKey}s, and generates new ones, for the algorithms Latchkey signs with. */
public final class KeyMaterial {

    /** The algorithms a key may be bound to. HS256 is deliberately absent: see the README. */
    public static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** NIST SP 800-131A: RSA keys below 2048 bits are not acceptable for signatures. */
    static final int MIN_RSA_BITS = 2048;

    private KeyMaterial() {
    }

    public static JWSAlgorithm parseAlgorithm(String name) {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
            throw new IllegalStateException("Unsupported signing algorithm '" + name
                    + "'; choose one of " + SUPPORTED_ALGORITHMS);
        }
        return algorithm;
    }

    public static JWK generate(JWSAlgorithm algorithm) {
        try {
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                return new RSAKeyGenerator(MIN_RSA_BITS).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint(true).generate();
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint(true).generate();
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not generate a " + algorithm + " key", e);
        }
        throw new IllegalStateException("Unsupported signing algorithm " + algorithm);
    }

    /**
     * @throws IllegalStateException when the JWK is not a private key of a supported type, lacks a
     *                               {@code kid} or {@code alg}, or is too weak for its algorithm
     */
    public static ManagedKey toManagedKey(JWK jwk) {
        if (jwk.getKeyID() == null || jwk.getAlgorithm() == null || !jwk.isPrivate()) {
            throw new IllegalStateException("A signing key needs a kid, an alg and its private part");
        }
        JWSAlgorithm algorithm = parseAlgorithm(jwk.getAlgorithm().getName());
        try {
            if (JWSAlgorithm.RS256.equals(algorithm) && jwk instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    throw new IllegalStateException("RSA key " + jwk.getKeyID() + " is shorter than " + MIN_RSA_BITS + " bits");
                }
                return new ManagedKey(jwk.getKeyID(), algorithm, rsa.toPublicJWK(),
                        new RSASSASigner(rsa), new RSASSAVerifier(rsa.toRSAPublicKey()));
            }
            if (JWSAlgorithm.ES256.equals(algorithm) && jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return new ManagedKey(jwk.getKeyID(), algorithm, ec.toPublicJWK(),
                        new ECDSASigner(ec), new ECDSAVerifier(ec.toECPublicKey()));
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing key " + jwk.getKeyID() + " is unusable", e);
        }
        throw new IllegalStateException("Key " + jwk.getKeyID() + " does not match its algorithm " + algorithm);
    }
}
