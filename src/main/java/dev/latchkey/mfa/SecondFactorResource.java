package dev.latchkey.mfa;

import dev.latchkey.crypto.TotpCodes;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.NoStore;
import dev.latchkey.input.StrictJson;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.security.AuthenticatedCaller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The caller's own second factor (protected in web.xml): enrol, confirm, new recovery codes, turn off. */
@Path("/auth/mfa")
@RequestScoped
public class SecondFactorResource {

    @Inject
    SecondFactors secondFactors;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    RateLimiter rateLimiter;

    @Context
    HttpServletRequest request;

    @POST
    @Path("totp/enroll")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response enroll(InputStream body) {
        ClientInfo client = guarded();
        Map<String, String> fields = StrictJson.readObject(body, Set.of("password"), Set.of());
        SecondFactors.Enrolment enrolment = secondFactors.enroll(caller, fields.get("password"), client);
        return secret(JsonValues.createObjectBuilder()
                .add("secret", enrolment.secret())
                .add("otpauth_uri", enrolment.otpauthUri())
                .add("qr_svg", enrolment.qrSvg())
                .build());
    }

    @POST
    @Path("totp/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirm(InputStream body) {
        ClientInfo client = guarded();
        Map<String, String> fields = StrictJson.readObject(body, Set.of("code"), Set.of());
        return recoveryCodes(secondFactors.confirm(caller, sixDigits(fields.get("code")), client));
    }

    @POST
    @Path("recovery-codes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replaceRecoveryCodes(InputStream body) {
        ClientInfo client = guarded();
        Map<String, String> fields = StrictJson.readObject(body, Set.of("password", "code"), Set.of());
        return recoveryCodes(secondFactors.replaceRecoveryCodes(caller, fields.get("password"), sixDigits(fields.get("code")), client));
    }

    @POST
    @Path("totp/disable")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response disable(InputStream body) {
        ClientInfo client = guarded();
        Map<String, String> fields = StrictJson.readObject(body, Set.of("password", "code"), Set.of());
        String code = fields.get("code");
        if (!TotpCodes.hasValidShape(code) && RecoveryCodes.normalize(code).isEmpty()) {
            throw badCode();
        }
        secondFactors.disable(caller, fields.get("password"), code, client);
        return Response.noContent().build();
    }

    /** The same per-client budget as a password change: each of these checks the password. */
    private ClientInfo guarded() {
        ClientInfo client = ClientInfo.of(request);
        rateLimiter.checkPasswordChange(client.ip());
        return client;
    }

    private static String sixDigits(String code) {
        if (!TotpCodes.hasValidShape(code)) {
            throw badCode();
        }
        return code;
    }

    private static ProblemException badCode() {
        return new ProblemException(Problem.of(400, "invalid-request", "Bad Request",
                "code must be six digits (or, to turn two-step sign-in off, a recovery code)."));
    }

    private static Response recoveryCodes(List<String> codes) {
        return secret(JsonValues.createObjectBuilder().add("recovery_codes", JsonValues.createArrayBuilder(codes)).build());
    }

    /** A secret shown once must not be kept by any cache. */
    private static Response secret(JsonObject body) {
        return NoStore.applyTo(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
