package dev.latchkey.problem;

import jakarta.inject.Inject;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The error page for errors the servlet container raises itself, outside JAX-RS: a security
 * constraint refusing a role, or an exception escaping a filter. web.xml routes them here, so
 * they are problem+json like every other error rather than the server's HTML page.
 */
@WebServlet(name = "ContainerErrorServlet", urlPatterns = {ContainerErrorServlet.PATH, ContainerErrorServlet.INVALID_TARGET_PATH})
public class ContainerErrorServlet extends HttpServlet {

    static final String PATH = "/container-error";

    /**
     * Where WildFly's listener sends a request whose target is not a path ({@code *},
     * {@code %2Fauth%2Flogin}, {@code host:443}): server-config/wildfly/latchkey.cli rewrites it
     * here before routing, because Undertow's servlet routing would otherwise fail on it with a
     * {@code 500} and an ERROR stack trace (docs/threat-model.md, section 6).
     */
    static final String INVALID_TARGET_PATH = PATH + "/invalid-target";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ContainerErrorServlet.class.getName());

    @Inject
    transient ProblemWriter problems;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (exception instanceof Throwable throwable) {
            LOG.log(Level.SEVERE, "Unhandled {0} outside JAX-RS; answered 500:\n{1}",
                    new Object[] {throwable.getClass().getName(), SafeStackTrace.of(throwable)});
        }
        Problem problem;
        if (INVALID_TARGET_PATH.equals(request.getServletPath())) {
            problem = Problem.invalidTarget();
        } else {
            // Requested directly rather than as an error dispatch: there is nothing here.
            problem = Problem.forStatus(status instanceof Integer integer ? integer : HttpServletResponse.SC_NOT_FOUND);
        }
        try {
            problems.write(request, response, problem);
        } catch (IOException clientGone) {
            // Nobody is left to read the answer (the client closed the connection, typically in
            // the middle of its body). Thrown on, it would be logged twice with a stack trace per
            // vanished client, so that anyone could flood the log (issue 21).
            LOG.log(Level.FINE, "Client gone before its error answer", clientGone);
        }
    }
}
