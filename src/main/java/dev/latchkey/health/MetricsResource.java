package dev.latchkey.health;

import dev.latchkey.http.NoStore;
import dev.latchkey.input.BasicCredentials;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.metrics.MetricsSettings;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.security.RequestAuthentication;
import dev.latchkey.security.TokenPrincipal;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /metrics}: every meter of this node in the Prometheus text format. Not public: the
 * figures tell an attacker how their attack is going (failed logins, reuse detections, the hash
 * pool's queue) and what the node runs. A scraper authenticates with HTTP Basic and a secret from
 * {@code latchkey.metrics.scrape-clients} (only its hash is configured, compared in constant time);
 * a person or a tool with a user's access token needs the role {@code metrics} or {@code admin}.
 */
@Path("/metrics")
@RequestScoped
public class MetricsResource {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Set<String> ROLES = Set.of("metrics", "admin");

    @Inject
    Metrics metrics;

    @Inject
    MetricsSettings settings;

    @Inject
    RequestAuthentication authentication;

    @Context
    HttpServletRequest request;

    @GET
    @Produces(PROMETHEUS_TEXT)
    public Response scrape() {
        authorize();
        String text = metrics.scrape().orElseThrow(() -> new ProblemException(Problem.forStatus(404)));
        return NoStore.applyTo(Response.ok(text, PROMETHEUS_TEXT)).build();
    }

    /** A Basic header is a scraper's, however malformed: it never falls through to the token check. */
    private void authorize() {
        List<String> authorization = Collections.list(request.getHeaders("Authorization"));
        if (!authorization.isEmpty() && BasicCredentials.isBasic(authorization.get(0))) {
            Optional<BasicCredentials> scraper = BasicCredentials.from(authorization);
            if (scraper.isEmpty() || !settings.scrapeClients().authenticate(scraper.get().clientId(), scraper.get().secret())) {
                throw new ProblemException(Problem.of(401, "invalid-client", "Unauthorized", "Client authentication failed.")
                        .withHeader("WWW-Authenticate", "Basic realm=\"latchkey-metrics\""));
            }
            return;
        }
        TokenPrincipal caller = authentication.required(request);
        if (Collections.disjoint(caller.token().groups(), ROLES)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                    "Metrics need the role metrics or admin."));
        }
    }
}
