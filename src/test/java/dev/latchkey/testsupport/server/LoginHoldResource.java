package dev.latchkey.testsupport.server;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** Test deployments only: arms, awaits and releases the {@link LoginHold} of an e-mail address. */
@Path("/test-support/login-hold")
@RequestScoped
public class LoginHoldResource {

    @Inject
    LoginHold hold;

    @POST
    @Path("arm")
    public Response arm(@QueryParam("email") String email) {
        hold.arm(email);
        return Response.noContent().build();
    }

    /** 204 once {@code logins} logins of the address are held; 408 if they are not within 30 s. */
    @POST
    @Path("await")
    public Response await(@QueryParam("email") String email, @QueryParam("logins") int logins) throws InterruptedException {
        return Response.status(hold.awaitHeld(email, Math.max(1, logins), 30) ? 204 : 408).build();
    }

    @POST
    @Path("release")
    public Response release(@QueryParam("email") String email) {
        hold.release(email);
        return Response.noContent().build();
    }
}
