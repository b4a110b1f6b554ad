package dev.latchkey.testsupport.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A client's DPoP key pair (P-256), and the proofs (RFC 9449) it signs: genuine ones through
 * Nimbus's own proof factory, as a Java API client makes them, and the malformed or forged ones
 * the tests must see refused.
 */
public final class DpopKey {

    /** Latchkey's public URL in the tests (the default of {@code latchkey.public-url}): {@code htu} is built on it. */
    public static final String PUBLIC_URL = "http://localhost:8080";

    private final ECKey key;

    private DpopKey(ECKey key) {
        this.key = key;
    }

    public static DpopKey generate() {
        try {
            return new DpopKey(new ECKeyGenerator(Curve.P_256).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWK SHA-256 thumbprint (RFC 7638): what a bound token's {@code cnf.jkt} names. */
    public String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof for a request to {@code path}, made now. */
    public String proof(String method, String path) {
        return proof(method, path, null, null);
    }

    /** A proof with the server's nonce and, for a protected request, the access token's hash ({@code ath}). */
    public String proof(String method, String path, String accessToken, String nonce) {
        try {
            return new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                    .createDPoPJWT(new JWTID(), method, URI.create(PUBLIC_URL + path), new Date(),
                            accessToken == null ? null : new DPoPAccessToken(accessToken),
                            nonce == null ? null : new Nonce(nonce))
                    .serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof signed by this key whose header and claims the caller chose, for the refusals. */
    public String proof(JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A header as a genuine proof has it: {@code typ dpop+jwt}, ES256, this public key. */
    public JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK());
    }

    /** Claims as a genuine proof has them, issued at {@code iat}. */
    public static JWTClaimsSet.Builder claims(String method, String path, Instant iat) {
        return new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method)
                .claim("htu", PUBLIC_URL + path).issueTime(Date.from(iat));
    }

    /**
     * A proof signed by this key whose header is the JSON given, as it is: for headers Nimbus's
     * own builder refuses to make (a private key in {@code jwk}).
     */
    public String proofWithRawHeader(String headerJson, JWTClaimsSet claims) {
        try {
            String signingInput = Base64URL.encode(headerJson) + "." + Base64URL.encode(claims.toString());
            Base64URL signature = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
                    signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key with its private part, as JSON: what must never appear in a proof's header. */
    public String privateJwkJson() {
        return key.toJSONString();
    }

    /** An HS256 "proof" (a shared secret proves nothing about a key pair). */
    public String hs256Proof(String method, String path) {
        try {
            byte[] secret = new byte[32];
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("dpop+jwt")).build(),
                    claims(method, path, Instant.now()).build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned proof: {@code alg: none}, with this public key in the header. */
    public String unsignedProof(String method, String path) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"dpop+jwt\",\"jwk\":"
                + key.toPublicJWK().toJSONString() + "}").toString();
        return header + "." + Base64URL.encode(claims(method, path, Instant.now()).build().toString()) + ".";
    }

    /** {@code ath}: base64url of the SHA-256 of the access token. */
    public static String ath(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "DpopKey[" + thumbprint() + "]";
    }
}
