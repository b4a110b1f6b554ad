package dev.latchkey.testsupport.server;

import dev.latchkey.keys.KeyAdministration;
import dev.latchkey.keys.KeyEncryptionKey;
import dev.latchkey.keys.KeyState;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.keys.StoredSigningKey;
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
 * re-read of the key set, which is what the tests wait for. {@link #reset} is the exception: it
 * prepares a test, so this node re-reads at once.
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

    /**
     * Brings the key set back to what a fresh database gets at boot: one key, active, of this
     * algorithm, and nothing else trusted (no next key, no retired key still published). Any other
     * key that is not revoked yet is revoked; a new active key is promoted with force when the
     * active one has another algorithm. Changes nothing when the key set already is so. The node
     * re-reads the key set before answering; other nodes of a cluster follow at their next re-read.
     *
     * @return the kid of the active key
     */
    @POST
    @Path("reset")
    public String reset(@QueryParam("alg") String algorithm) {
        KeyAdministration administration = keys.administration();
        StoredSigningKey active = administration.list().stream().filter(key -> key.state() == KeyState.ACTIVE)
                .findFirst().orElseThrow();
        boolean changed = false;
        if (!active.algorithm().equals(algorithm)) {
            administration.list().stream().filter(key -> key.state() == KeyState.NEXT)
                    .forEach(next -> administration.revoke(next.kid()));
            active = administration.promote(Optional.of(generate(algorithm)), true);
            changed = true;
        }
        for (StoredSigningKey key : administration.list()) {
            if (key.state() != KeyState.ACTIVE && key.state() != KeyState.REVOKED) {
                administration.revoke(key.kid());
                changed = true;
            }
        }
        if (changed) {
            keys.reload();
        }
        return active.kid();
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
