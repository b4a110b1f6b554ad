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
@WebServlet(name = "ContainerErrorServlet", urlPatterns = ContainerErrorServlet.PATH)
public class ContainerErrorServlet extends HttpServlet {

    static final String PATH = "/container-error";

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
        // Requested directly rather than as an error dispatch: there is nothing here.
        int code = status instanceof Integer integer ? integer : HttpServletResponse.SC_NOT_FOUND;
        try {
            problems.write(request, response, Problem.forStatus(code));
        } catch (IOException clientGone) {
            // Nobody is left to read the answer (the client closed the connection, typically in
            // the middle of its body). Thrown on, it would be logged twice with a stack trace per
            // vanished client, so that anyone could flood the log (issue 21).
            LOG.log(Level.FINE, "Client gone before its error answer", clientGone);
        }
    }
}
