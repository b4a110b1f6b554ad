package dev.latchkey.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Times every request that reaches the filter chain, by method, route template and status, as a
 * histogram (so that p50, p95 and p99 can be computed per route and summed across nodes). The
 * route is the template of the JAX-RS method that answered ({@link RouteTemplates}), never the raw
 * path: a path is the client's choice, and one timer per path would let anyone grow the registry
 * without bound. Requests no resource answered (a 404, a static file, a container error) share
 * the route {@code none}. Requests the authentication mechanism refuses end before the chain and
 * are not timed here.
 */
@WebFilter(filterName = "HttpServerTiming", urlPatterns = "/*")
public class HttpServerTiming extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String ROUTE_ATTRIBUTE = HttpServerTiming.class.getName() + ".route";
    static final String NO_ROUTE = "none";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Inject
    transient Metrics metrics;

    private transient Meter.MeterProvider<Timer> requests;

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        requests = Timer.builder("latchkey.http.server.requests")
                .description("Requests answered, by method, route template and status")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .withRegistry(metrics.registry());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Timer.Sample started = Timer.start(metrics.registry());
        try {
            chain.doFilter(request, response);
        } finally {
            Object route = request.getAttribute(ROUTE_ATTRIBUTE);
            String method = request.getMethod();
            started.stop(requests.withTags("method", METHODS.contains(method) ? method : "other",
                    "route", route instanceof String template ? template : NO_ROUTE,
                    "status", Integer.toString(response.getStatus())));
        }
    }
}
