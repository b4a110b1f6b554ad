package dev.latchkey.admin;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.json.JsonValues;
import dev.latchkey.keys.KeyAdministration;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.session.SessionSettings;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Signing keys for administrators (role admin, also enforced for /admin/* in web.xml): the list,
 * and the emergency revocation that every node obeys at once. Generating and promoting keys is
 * the key tool's job: those are planned changes that need no node to be up.
 *
 * <p>Revocation here does what the key tool cannot: besides marking the key revoked in the
 * database, it puts the {@code kid} on the revocation list, which every node consults on every
 * request. The key tool's revocation reaches each node only at its next re-read of the key set.
 */
@Path("/admin/signing-keys")
@RequestScoped
@RolesAllowed("admin")
public class SigningKeysAdminResource {

    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @Inject
    SigningKeys keys;

    @Inject
    RevocationList revocations;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    SessionSettings sessionSettings;

    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject list() {
        return JsonValues.objectWithList("keys", administration().list(), key -> {
            JsonObjectBuilder entry = JsonValues.createObjectBuilder()
                    .add("kid", key.kid())
                    .add("alg", key.algorithm())
                    .add("state", key.state().code())
                    .add("created", key.createdAt().toString());
            JsonValues.addIfPresent(entry, "activated", key.activatedAt());
            JsonValues.addIfPresent(entry, "retired", key.retiredAt());
            return JsonValues.addIfPresent(entry, "revoked", key.revokedAt());
        });
    }

    @POST
    @Path("{kid}/revoke")
    public Response revoke(@PathParam("kid") String kid) {
        if (!KID.matcher(kid).matches()) {
            throw problemFor(KeyAdministration.Refusal.NO_SUCH_KEY);
        }
        try {
            administration().revoke(kid);
        } catch (KeyAdministration.RefusedException refused) {
            // Revoked already: the revocation-list entry is written again below, so a retry
            // after a failure between the two steps completes the revocation.
            if (refused.refusal() != KeyAdministration.Refusal.ALREADY_REVOKED) {
                audit.recordKeyEvent(AuditEvent.SIGNING_KEY_REVOKED, "refused_" + refused.refusal().name().toLowerCase(Locale.ROOT),
                        caller.principal().getName(), kid, ClientInfo.of(request));
                throw problemFor(refused.refusal());
            }
        }
        revocations.revokeSigningKey(kid, revocationEntryLifetimeEnd(clock.instant()));
        keys.reload();
        audit.recordKeyEvent(AuditEvent.SIGNING_KEY_REVOKED, "success", caller.principal().getName(), kid, ClientInfo.of(request));
        return Response.noContent().build();
    }

    /**
     * How long the {@code kid:} entry stays on the revocation list. Not only until the key's own
     * tokens have expired (a retired key may have signed until the last node re-read the key
     * set): the entry is what protects a node that has not re-read the key set since, and that
     * node would otherwise trust the key again, for tokens anyone holding the revoked private key
     * can still mint, as soon as the entry is gone. So it is kept at least as long as the longest
     * session (the absolute lifetime), far beyond the few refresh intervals after which such a
     * node reports itself not ready ({@code latchkey.keys.max-staleness-seconds}). The entries are
     * tiny, and keys are rarely revoked.
     */
    private Instant revocationEntryLifetimeEnd(Instant now) {
        Instant tokensExpired = keys.lastExpiryOfTokensSignedBefore(now);
        Instant longestSession = now.plus(sessionSettings.absoluteLifetime());
        return tokensExpired.isAfter(longestSession) ? tokensExpired : longestSession;
    }

    private KeyAdministration administration() {
        try {
            return keys.administration();
        } catch (IllegalStateException hmacMode) {
            throw new ProblemException(Problem.of(409, "no-key-set", "Conflict",
                    "This server signs with an HS256 secret and has no key set to administer."));
        }
    }

    private static ProblemException problemFor(KeyAdministration.Refusal refusal) {
        if (refusal == KeyAdministration.Refusal.NO_SUCH_KEY) {
            return new ProblemException(Problem.of(404, "not-found", "Not Found", "There is no such signing key."));
        }
        return new ProblemException(Problem.of(409, "key-state-conflict", "Conflict", refusal.explanation()));
    }
}
