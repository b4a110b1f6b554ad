package dev.latchkey.testsupport.server;

import dev.latchkey.keys.KeyAdministration;
import dev.latchkey.keys.KeyEncryptionKey;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.token.VerifiedAccessToken;
import com.nimbusds.jose.JWSAlgorithm;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Test deployments only: the key tool's operations, run inside the server against its own
 * database (the in-memory test database is out of the test JVM's reach) with the server's
 * movable clock. Like the key tool, they change only the database: the node notices at its next
 * re-read of the key set, which is what the tests wait for.
 */
@Path("/test-support/signing-keys")
@RequestScoped
public class SigningKeyControlResource {

    @Inject
    SigningKeys keys;

    @Inject
    RevocationList revocations;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "latchkey.keys.directory")
    String directory;

    @POST
    @Path("generate")
    public String generate(@QueryParam("alg") String algorithm) {
        KeyEncryptionKey developmentKek = KeyEncryptionKey.readFile(java.nio.file.Path.of(directory, "dev-key-encryption-key"));
        return keys.administration().generate(JWSAlgorithm.parse(algorithm), 2048, developmentKek).kid();
    }

    @POST
    @Path("{kid}/promote")
    public Response promote(@PathParam("kid") String kid) {
        try {
            keys.administration().promote(Optional.of(kid), false);
            return Response.noContent().build();
        } catch (KeyAdministration.RefusedException refused) {
            return Response.status(409).entity(refused.refusal().name()).build();
        }
    }

    @GET
    @Path("active")
    public String active() {
        return keys.activeSigningKey().kid();
    }

    /** Only the revocation-list entry, as another node's revocation would arrive: the key set is untouched. */
    @POST
    @Path("{kid}/revocation-list-entry")
    public Response putOnRevocationList(@PathParam("kid") String kid) {
        revocations.revokeSigningKey(kid, clock.instant().plus(Duration.ofHours(2)));
        return Response.noContent().build();
    }

    @GET
    @Path("{kid}/revocation-list-entry")
    public String isOnRevocationList(@PathParam("kid") String kid) {
        VerifiedAccessToken signedNow = new VerifiedAccessToken("probe", "probe", null, Set.of(),
                clock.instant(), clock.instant().plusSeconds(60), kid);
        return Boolean.toString(revocations.isSignedWithRevokedKey(signedNow));
    }
}
