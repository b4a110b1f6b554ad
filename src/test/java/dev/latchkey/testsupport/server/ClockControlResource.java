package dev.latchkey.testsupport.server;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/** Test deployments only: lets a test running over HTTP move the server's clock. */
@Path("/test-support/clock")
@RequestScoped
public class ClockControlResource {

    @Inject
    MovableClockProducer clock;

    @POST
    @Path("advance")
    public Response advance(@QueryParam("seconds") long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        return Response.noContent().build();
    }

    @POST
    @Path("reset")
    public Response reset() {
        clock.reset();
        return Response.noContent().build();
    }
}
