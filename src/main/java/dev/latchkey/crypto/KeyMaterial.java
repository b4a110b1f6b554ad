package dev.latchkey.crypto;

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
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.util.List;
import java.util.Set;

/** Turns private JWKs into {@link ManagedKey}s, and generates new ones, for the algorithms Latchkey signs with. */
public final class KeyMaterial {

    /**
     * The algorithms an asymmetric key may be bound to. HS256 is not among them: it is a separate,
     * explicitly configured mode (HmacSecret in the keys package), never a key in the published set.
     */
    public static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

    /** NIST SP 800-131A: RSA keys below 2048 bits are not acceptable for signatures. */
    static final int MIN_RSA_BITS = 2048;

    /** Larger keys buy nothing against today's attacks and would not fit the key table's column. */
    static final int MAX_RSA_BITS = 4096;

    public static final List<Integer> RSA_SIZES = List.of(2048, 3072, 4096);

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

    /** @return the supported algorithm of that name, or null */
    public static JWSAlgorithm parseAlgorithmOrNull(String name) {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        return SUPPORTED_ALGORITHMS.contains(algorithm) ? algorithm : null;
    }

    public static JWK generate(JWSAlgorithm algorithm) {
        return generate(algorithm, MIN_RSA_BITS);
    }

    /** @param rsaBits the modulus size for RS256 (2048, 3072 or 4096); ignored for the others */
    public static JWK generate(JWSAlgorithm algorithm, int rsaBits) {
        try {
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                if (!RSA_SIZES.contains(rsaBits)) {
                    throw new IllegalStateException("RSA keys must be one of " + RSA_SIZES + " bits");
                }
                return new RSAKeyGenerator(rsaBits).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint(true).generate();
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint(true).generate();
            }
            if (JWSAlgorithm.EdDSA.equals(algorithm)) {
                return Ed25519Keys.generate();
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
                if (rsa.size() < MIN_RSA_BITS || rsa.size() > MAX_RSA_BITS) {
                    throw new IllegalStateException("RSA key " + jwk.getKeyID() + " must have "
                            + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits");
                }
                return new ManagedKey(jwk.getKeyID(), algorithm, rsa.toPublicJWK(),
                        new RSASSASigner(rsa), new RSASSAVerifier(rsa.toRSAPublicKey()));
            }
            if (JWSAlgorithm.ES256.equals(algorithm) && jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                ECDSASigner signer = new ECDSASigner(ec);
                ECDSAVerifier verifier = new ECDSAVerifier(ec.toECPublicKey());
                EcdsaProvider.get().ifPresent(provider -> {
                    signer.getJCAContext().setProvider(provider);
                    verifier.getJCAContext().setProvider(provider);
                });
                return new ManagedKey(jwk.getKeyID(), algorithm, ec.toPublicJWK(), signer, verifier);
            }
            if (JWSAlgorithm.EdDSA.equals(algorithm) && jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return new ManagedKey(jwk.getKeyID(), algorithm, okp.toPublicJWK(),
                        Ed25519Keys.signer(okp), Ed25519Keys.verifier(okp));
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing key " + jwk.getKeyID() + " is unusable", e);
        }
        throw new IllegalStateException("Key " + jwk.getKeyID() + " does not match its algorithm " + algorithm);
    }
}
