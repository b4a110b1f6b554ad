package dev.latchkey.testsupport.server;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test deployments only: every log line the server wrote since the application started (see {@link CapturedLog}). */
@Path("/test-support/log")
@RequestScoped
public class CapturedLogResource {

    @Inject
    CapturedLog log;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String lines() {
        return log.text();
    }
}
