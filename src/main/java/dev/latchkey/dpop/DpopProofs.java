package dev.latchkey.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.AccessTokenValidationException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.latchkey.http.HttpSettings;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.text.ParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Checks DPoP proofs (RFC 9449) with Nimbus's verifiers: on the endpoints that issue tokens
 * ({@link #keyOfTokenRequest}), and on protected requests that present a bound access token
 * ({@link #checkResourceRequest}). Nimbus checks the {@code typ}, that the {@code alg} is one of
 * {@link #ALGORITHMS} and the {@code jwk} a public key, the signature, {@code htm}, {@code htu},
 * the age of {@code iat}, the nonce, {@code ath} and the key's thumbprint, and has the {@code jti}
 * marked as used ({@link ProofReplayCache}); this class only supplies what each check compares
 * against.
 */
@ApplicationScoped
public class DpopProofs {

    public static final String HEADER = "DPoP";
    public static final String NONCE_HEADER = "DPoP-Nonce";

    /**
     * The asymmetric algorithms of RFC 9449's examples that Nimbus's DPoP verifiers support: they
     * accept the EC and RSA families only, so EdDSA proofs are refused (docs/security.md). A
     * symmetric {@code alg} or {@code none} can never be used to prove possession of a key.
     */
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    private static final String ALGS = String.join(" ", algorithmNames());

    @Inject
    DpopSettings settings;

    @Inject
    HttpSettings http;

    @Inject
    ProofReplayCache replayCache;

    @Inject
    DpopNonces nonces;

    /**
     * The JWK SHA-256 thumbprint (RFC 7638) of the key that signed the request's proof, for a
     * request to an endpoint that issues tokens (always POST); empty when the request carries none.
     *
     * @throws ProblemException 401 {@code invalid-dpop-proof} for an invalid, stale or replayed
     *                          proof, or more than one; 400 {@code use-dpop-nonce} when nonces are
     *                          on and the proof lacks a current one
     */
    public Optional<String> keyOfTokenRequest(HttpServletRequest request) {
        Optional<SignedJWT> proof = presented(request);
        if (proof.isEmpty()) {
            return Optional.empty();
        }
        Nonce nonce = expectedNonce(proof.get(), false);
        DPoPTokenRequestVerifier verifier = new DPoPTokenRequestVerifier(new HashSet<>(ALGORITHMS), publicUri(request),
                settings.clockSkew().toSeconds(), settings.proofMaxAge().toSeconds(), replayCache);
        try {
            return Optional.of(verifier.verify(issuer(proof.get()), proof.get(), nonce).getValue().toString());
        } catch (InvalidDPoPProofException | JOSEException | IllegalArgumentException e) {
            throw invalidProof();
        }
    }

    /**
     * As {@link #keyOfTokenRequest}, for a request that starts a session (a login, or its second
     * step): with {@code latchkey.dpop.required}, one without a proof is refused.
     */
    public Optional<String> keyOfSessionStart(HttpServletRequest request) {
        Optional<String> key = keyOfTokenRequest(request);
        if (key.isEmpty() && settings.required()) {
            throw invalidProof();
        }
        return key;
    }

    /**
     * Checks the proof of a protected request that presents an access token bound to the key
     * {@code thumbprint}: signed by that key, for this method and URL, and carrying the token's hash
     * ({@code ath}).
     *
     * @throws ProblemException 401 {@code invalid-dpop-proof}, or 401 {@code use-dpop-nonce}
     */
    public void checkResourceRequest(HttpServletRequest request, String accessToken, String thumbprint) {
        SignedJWT proof = presented(request).orElseThrow(DpopProofs::invalidProof);
        Nonce nonce = expectedNonce(proof, true);
        DPoPProtectedResourceRequestVerifier verifier = new DPoPProtectedResourceRequestVerifier(new HashSet<>(ALGORITHMS),
                settings.clockSkew().toSeconds(), settings.proofMaxAge().toSeconds(), replayCache);
        try {
            verifier.verify(request.getMethod(), publicUri(request), issuer(proof), proof, new DPoPAccessToken(accessToken),
                    new JWKThumbprintConfirmation(new Base64URL(thumbprint)), nonce);
        } catch (InvalidDPoPProofException | AccessTokenValidationException | JOSEException | IllegalArgumentException e) {
            throw invalidProof();
        }
    }

    /** Several proofs, or one that does not parse as a signed JWT ({@code alg: none} included), are refused. */
    private static Optional<SignedJWT> presented(HttpServletRequest request) {
        List<String> headers = Collections.list(request.getHeaders(HEADER));
        if (headers.isEmpty()) {
            return Optional.empty();
        }
        if (headers.size() > 1) {
            throw invalidProof();
        }
        try {
            return Optional.of(SignedJWT.parse(headers.get(0).strip()));
        } catch (ParseException | IllegalArgumentException e) {
            throw invalidProof();
        }
    }

    /**
     * {@code htu} is compared with the public URL ({@code latchkey.public-url}), never with the
     * request's {@code Host} header, which a client or a proxy chooses.
     */
    private URI publicUri(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        try {
            return URI.create(http.publicUrl() + path);
        } catch (IllegalArgumentException e) {
            throw invalidProof();
        }
    }

    /**
     * The key's thumbprint names the proof's issuer for the replay cache, so a {@code jti} is
     * single-use per key. Without a key in the header Nimbus refuses the proof anyway.
     */
    private static DPoPIssuer issuer(SignedJWT proof) {
        JWK key = proof.getHeader().getJWK();
        try {
            return new DPoPIssuer(key == null ? "no-key" : key.computeThumbprint().toString());
        } catch (JOSEException e) {
            throw invalidProof();
        }
    }

    /**
     * With nonces on, the nonce the proof must carry: the one it carries, once it is known to be
     * one this cluster issued and still current. Nimbus then checks that the proof states exactly it.
     * With nonces off, none (and Nimbus refuses a proof that carries one).
     */
    private Nonce expectedNonce(SignedJWT proof, boolean resourceRequest) {
        if (!settings.nonces()) {
            return null;
        }
        Object presented;
        try {
            presented = proof.getJWTClaimsSet().getClaim("nonce");
        } catch (ParseException e) {
            throw invalidProof();
        }
        if (presented instanceof String nonce && nonces.isValid(nonce)) {
            return new Nonce(nonce);
        }
        throw useNonce(resourceRequest);
    }

    /** The nonce to send along with a response, when nonces are on. */
    public Optional<String> nonceToAnnounce() {
        return settings.nonces() ? Optional.of(nonces.current()) : Optional.empty();
    }

    /**
     * The proof is missing where one is required, invalid, stale, replayed, or made with a key
     * other than the one the session or token is bound to. Which of those it was is not said: it
     * would only help whoever is trying keys.
     */
    public static ProblemException invalidProof() {
        return new ProblemException(Problem.of(401, "invalid-dpop-proof", "Unauthorized",
                        "The request needs a valid DPoP proof, signed with the key its session is bound to.")
                .withHeader("WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\", algs=\"" + ALGS + "\"")
                .withMember("error", "invalid_dpop_proof"));
    }

    /**
     * RFC 9449 section 8 at a token endpoint (400), section 9 at a protected resource (401, with
     * the challenge); both carry the nonce to retry with.
     */
    private ProblemException useNonce(boolean resourceRequest) {
        Problem problem = Problem.of(resourceRequest ? 401 : 400, "use-dpop-nonce",
                        resourceRequest ? "Unauthorized" : "Bad Request",
                        "The DPoP proof must carry the nonce in the DPoP-Nonce header. Make a new proof with it and retry.")
                .withHeader(NONCE_HEADER, nonces.current())
                .withMember("error", "use_dpop_nonce");
        if (resourceRequest) {
            problem = problem.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"" + ALGS + "\"");
        }
        return new ProblemException(problem);
    }

    /** For discovery ({@code dpop_signing_alg_values_supported}) and the challenge's {@code algs}. */
    public static List<String> algorithmNames() {
        return ALGORITHMS.stream().map(JWSAlgorithm::getName).toList();
    }
}
