package dev.latchkey.crypto;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;

/**
 * A signing key and the one algorithm it is bound to. Verification looks the key up by
 * {@code kid} and then insists on this algorithm, so a token's own {@code alg} header can never
 * pick how it is checked (the RS256-to-HS256 confusion attack has nothing to choose).
 */
public record ManagedKey(String kid, JWSAlgorithm algorithm, JWK publicJwk, JWSSigner signer, JWSVerifier verifier) {
}
