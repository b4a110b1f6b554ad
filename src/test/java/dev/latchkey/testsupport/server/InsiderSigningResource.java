package dev.latchkey.testsupport.server;

import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.keys.SigningKeys;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.nio.charset.StandardCharsets;

/**
 * Test deployments only: signs any JWS signing input ({@code base64url(header).base64url(payload)},
 * sent exactly as the test spelled it) with the server's own signing key, and answers the
 * base64url signature. This is what lets the JWT attack suite build tokens that differ from a
 * genuine one only in their claims or their encoding, so that each refusal can only come from
 * the check under test and not from the signature.
 */
@Path("/test-support/sign")
@RequestScoped
public class InsiderSigningResource {

    @Inject
    SigningKeys keys;

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String sign(String signingInput) throws JOSEException {
        ManagedKey key = keys.activeSigningKey();
        // The signer only reads the algorithm from the header; the header actually signed is the
        // one inside the signing input, whatever it says.
        return key.signer().sign(new JWSHeader(key.algorithm()), signingInput.getBytes(StandardCharsets.US_ASCII)).toString();
    }
}
